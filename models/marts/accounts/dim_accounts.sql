with

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

accounts_resolved as (
    select * from {{ ref('int_accounts_resolved') }}
),

golden_accounts as (
    select * from {{ ref('stg_mdm__golden_accounts') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_deduplicated') }}
),

relations as (
    select * from {{ ref('int_person_account_relations') }}
),

-- Source accounts and the MDM golden record compete for each attribute (survivorship by recency).
attribute_records as (
    select
        accounts_resolved.account_id,
        account_records.account_record_key as attribute_record_key,
        account_records.account_name,
        account_records.domain,
        account_records.industry,
        account_records.country,
        account_records.updated_at
    from account_records
    inner join accounts_resolved on account_records.account_record_key = accounts_resolved.account_record_key

    union all

    select distinct
        accounts_resolved.account_id,
        {{ dbt.concat(["'mdm:'", 'golden_accounts.golden_account_id']) }} as attribute_record_key,
        golden_accounts.account_name,
        golden_accounts.domain,
        golden_accounts.industry,
        golden_accounts.country,
        golden_accounts.updated_at
    from golden_accounts
    inner join accounts_resolved on golden_accounts.golden_account_id = accounts_resolved.golden_account_id
),

ranked_records as (
    select
        *,
        row_number() over (
            partition by account_id
            order by updated_at desc nulls last, attribute_record_key asc
        ) as recency_rank
    from attribute_records
),

attributes as (
    select
        account_id,
        {{ survivor('account_name', 'recency_rank') }} as account_name,
        {{ survivor('domain', 'recency_rank') }} as domain,
        {{ survivor('industry', 'recency_rank') }} as industry,
        {{ survivor('country', 'recency_rank') }} as country
    from ranked_records
    group by account_id
),

source_accounts as (
    select
        account_id,
        max(golden_account_id) as golden_account_id,
        count(*) as source_account_count
    from accounts_resolved
    group by account_id
),

revenue as (
    select
        account_id,
        sum(case when is_won then amount_usd else 0 end) as won_revenue_usd,
        sum(case when not is_closed then amount_usd else 0 end) as open_pipeline_usd
    from opportunities
    where account_id is not null
    group by account_id
),

people as (
    select
        account_id,
        count(distinct person_id) as person_count
    from relations
    group by account_id
),

final as (
    select
        source_accounts.account_id,
        source_accounts.golden_account_id,
        attributes.account_name,
        attributes.domain,
        attributes.industry,
        attributes.country,
        cast(coalesce(revenue.won_revenue_usd, 0) as {{ dbt.type_numeric() }}) as won_revenue_usd,
        cast(coalesce(revenue.open_pipeline_usd, 0) as {{ dbt.type_numeric() }}) as open_pipeline_usd,
        cast(coalesce(people.person_count, 0) as {{ dbt.type_bigint() }}) as person_count,
        cast(source_accounts.source_account_count as {{ dbt.type_bigint() }}) as source_account_count
    from source_accounts
    inner join attributes on source_accounts.account_id = attributes.account_id
    left join revenue on source_accounts.account_id = revenue.account_id
    left join people on source_accounts.account_id = people.account_id
)

select * from final
