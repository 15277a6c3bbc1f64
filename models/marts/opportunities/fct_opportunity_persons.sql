with

opportunities as (
    select * from {{ ref('int_opportunities_deduplicated') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

marketo_roles as (
    select * from {{ ref('stg_marketo__opportunity_roles') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

salesforce_opportunities as (
    select * from opportunities
    where source_system = 'salesforce'
),

marketo_opportunities as (
    select * from opportunities
    where source_system = 'marketo'
),

-- Roles whose opportunity or contact does not exist are left out (reported as orphans).
salesforce_person_roles as (
    select
        salesforce_opportunities.opportunity_id,
        salesforce_opportunities.account_id,
        persons_resolved.person_id,
        coalesce(contact_roles.role, 'Unspecified') as role,
        contact_roles.is_primary,
        'salesforce' as source_system
    from contact_roles
    inner join salesforce_opportunities
        on contact_roles.opportunity_id = salesforce_opportunities.source_opportunity_id
    inner join persons_resolved
        on {{ person_record_key("'salesforce'", "'contact'", 'contact_roles.contact_id') }}
        = persons_resolved.record_key
),

-- A Marketo role names the deal by external_opportunity_id: when that is a Salesforce opportunity id, the deal is
-- the Salesforce one (the de-duplicated opportunities keep only it), else the Marketo one.
marketo_person_roles as (
    select
        coalesce(salesforce_opportunities.opportunity_id, marketo_opportunities.opportunity_id) as opportunity_id,
        case
            when salesforce_opportunities.opportunity_id is not null then salesforce_opportunities.account_id
            else marketo_opportunities.account_id
        end as account_id,
        persons_resolved.person_id,
        coalesce(marketo_roles.role, 'Unspecified') as role,
        marketo_roles.is_primary,
        'marketo' as source_system
    from marketo_roles
    inner join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'marketo_roles.lead_id') }} = persons_resolved.record_key
    left join salesforce_opportunities
        on marketo_roles.opportunity_id = salesforce_opportunities.source_opportunity_id
    left join marketo_opportunities
        on marketo_roles.opportunity_id = marketo_opportunities.source_opportunity_id
    where coalesce(salesforce_opportunities.opportunity_id, marketo_opportunities.opportunity_id) is not null
),

person_roles as (
    select * from salesforce_person_roles
    union all
    select * from marketo_person_roles
),

grouped as (
    select
        opportunity_id,
        person_id,
        role,
        account_id,
        {{ dbt.bool_or('is_primary') }} as is_primary,
        {{ dbt.bool_or("source_system = 'marketo'") }} as is_marketo_role,
        {{ dbt.bool_or("source_system = 'salesforce'") }} as is_salesforce_role
    from person_roles
    group by opportunity_id, person_id, role, account_id
),

final as (
    select
        opportunity_id,
        person_id,
        account_id,
        role,
        is_primary,
        concat_ws(
            ',',
            case when is_marketo_role then 'marketo' end,
            case when is_salesforce_role then 'salesforce' end
        ) as source_systems
    from grouped
)

select * from final
