-- One row per source account: Salesforce accounts and Marketo companies. A Marketo company is also known when only
-- leads or opportunities name its external_company_id (the company table is optional), with null attributes.
with

salesforce_accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

marketo_companies as (
    select * from {{ ref('stg_marketo__companies') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

marketo_opportunities as (
    select * from {{ ref('stg_marketo__opportunities') }}
),

marketo_company_ids as (
    select company_id from marketo_companies
    union
    select company_id from marketo_leads
    where company_id is not null
    union
    select company_id from marketo_opportunities
    where company_id is not null
),

marketo_accounts as (
    select
        'marketo' as source_system,
        marketo_company_ids.company_id as source_account_id,
        marketo_companies.company_name as account_name,
        marketo_companies.domain,
        marketo_companies.industry,
        marketo_companies.billing_country as country,
        marketo_companies.billing_city as city,
        marketo_companies.phone,
        marketo_companies.updated_at
    from marketo_company_ids
    left join marketo_companies on marketo_company_ids.company_id = marketo_companies.company_id
),

unioned as (
    select
        'salesforce' as source_system,
        account_id as source_account_id,
        account_name,
        domain,
        industry,
        billing_country as country,
        billing_city as city,
        phone,
        updated_at
    from salesforce_accounts

    union all

    select * from marketo_accounts
),

final as (
    select
        {{ account_record_key('source_system', 'source_account_id') }} as account_record_key,
        *
    from unioned
)

select * from final
