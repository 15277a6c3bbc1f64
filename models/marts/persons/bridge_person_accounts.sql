with

relations as (
    select * from {{ ref('int_person_account_relations') }}
),

person_account_matches as (
    select * from {{ ref('int_person_account_match_scores') }}
),

flags as (
    select
        person_id,
        account_id,
        {{ dbt.bool_or("relation_type = 'salesforce_contact_account'") }} as is_salesforce_contact_account,
        {{ dbt.bool_or("relation_type = 'salesforce_account_contact_relation'") }}
            as is_salesforce_account_contact_relation,
        {{ dbt.bool_or("relation_type = 'marketo_lead_company'") }} as is_marketo_lead_company,
        {{ dbt.bool_or("relation_type = 'salesforce_opportunity_contact_role'") }}
            as is_salesforce_opportunity_contact_role,
        {{ dbt.bool_or("relation_type = 'marketo_opportunity_role'") }} as is_marketo_opportunity_role,
        {{ dbt.bool_or("relation_type = 'inferred_email_domain'") }} as is_inferred_email_domain,
        {{ dbt.bool_or("relation_type = 'inferred_company_name'") }} as is_inferred_company_name
    from relations
    group by person_id, account_id
),

final as (
    select
        flags.person_id,
        flags.account_id,
        concat_ws(
            ',',
            case when flags.is_salesforce_contact_account then 'salesforce_contact_account' end,
            case when flags.is_salesforce_account_contact_relation then 'salesforce_account_contact_relation' end,
            case when flags.is_marketo_lead_company then 'marketo_lead_company' end,
            case when flags.is_salesforce_opportunity_contact_role then 'salesforce_opportunity_contact_role' end,
            case when flags.is_marketo_opportunity_role then 'marketo_opportunity_role' end,
            case when flags.is_inferred_email_domain then 'inferred_email_domain' end,
            case when flags.is_inferred_company_name then 'inferred_company_name' end
        ) as relation_types,
        flags.is_salesforce_contact_account,
        flags.is_salesforce_account_contact_relation,
        flags.is_marketo_lead_company,
        flags.is_salesforce_opportunity_contact_role,
        flags.is_marketo_opportunity_role,
        flags.is_inferred_email_domain,
        flags.is_inferred_company_name,
        case
            when flags.is_salesforce_contact_account
                or flags.is_salesforce_account_contact_relation
                or flags.is_marketo_lead_company
                or flags.is_salesforce_opportunity_contact_role
                or flags.is_marketo_opportunity_role
                then 'source'
            else 'model'
        end as match_method,
        case
            when flags.is_inferred_email_domain or flags.is_inferred_company_name
                then person_account_matches.match_probability
        end as match_probability
    from flags
    left join person_account_matches
        on flags.person_id = person_account_matches.person_id
        and flags.account_id = person_account_matches.account_id
)

select * from final
