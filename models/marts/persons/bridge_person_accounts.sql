with

relations as (
    select * from {{ ref('int_person_account_relations') }}
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
        {{ dbt.bool_or("relation_type = 'inferred_email_domain'") }} as is_inferred_email_domain
    from relations
    group by person_id, account_id
),

final as (
    select
        person_id,
        account_id,
        concat_ws(
            ',',
            case when is_salesforce_contact_account then 'salesforce_contact_account' end,
            case when is_salesforce_account_contact_relation then 'salesforce_account_contact_relation' end,
            case when is_marketo_lead_company then 'marketo_lead_company' end,
            case when is_salesforce_opportunity_contact_role then 'salesforce_opportunity_contact_role' end,
            case when is_marketo_opportunity_role then 'marketo_opportunity_role' end,
            case when is_inferred_email_domain then 'inferred_email_domain' end
        ) as relation_types,
        is_salesforce_contact_account,
        is_salesforce_account_contact_relation,
        is_marketo_lead_company,
        is_salesforce_opportunity_contact_role,
        is_marketo_opportunity_role,
        is_inferred_email_domain
    from flags
)

select * from final
