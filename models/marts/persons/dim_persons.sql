with

records as (
    select * from {{ ref('int_person_records_unioned') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

ranked_records as (
    select
        persons_resolved.person_id,
        records.*,
        row_number() over (
            partition by persons_resolved.person_id
            order by records.updated_at desc nulls last, records.record_key asc
        ) as recency_rank
    from records
    inner join persons_resolved on records.record_key = persons_resolved.record_key
),

attributes as (
    select
        person_id,
        {{ survivor('email', 'recency_rank') }} as email,
        {{ survivor('first_name', 'recency_rank') }} as first_name,
        {{ survivor('last_name', 'recency_rank') }} as last_name,
        {{ survivor('title', 'recency_rank') }} as title,
        {{ survivor('company_name', 'recency_rank') }} as typed_company_name,
        {{ dbt.bool_or('is_unsubscribed or is_email_invalid or has_opted_out_of_email') }} as has_opted_out,
        count(*) as source_record_count,
        max(updated_at) as updated_at
    from ranked_records
    group by person_id
),

-- The account a person is best known at: the related account with the most won revenue.
primary_accounts as (
    select
        bridge.person_id,
        accounts.account_id,
        accounts.account_name,
        row_number() over (
            partition by bridge.person_id
            order by accounts.won_revenue_usd desc, accounts.account_id asc
        ) as account_rank,
        count(*) over (partition by bridge.person_id) as account_count
    from bridge
    inner join accounts on bridge.account_id = accounts.account_id
),

final as (
    select
        attributes.person_id,
        attributes.email,
        attributes.first_name,
        attributes.last_name,
        attributes.title,
        coalesce(primary_accounts.account_name, attributes.typed_company_name) as company_name,
        primary_accounts.account_id as primary_account_id,
        cast(coalesce(primary_accounts.account_count, 0) as {{ dbt.type_bigint() }}) as account_count,
        cast(attributes.source_record_count as {{ dbt.type_bigint() }}) as source_record_count,
        attributes.email is not null and not attributes.has_opted_out as is_marketable,
        attributes.updated_at
    from attributes
    left join primary_accounts
        on attributes.person_id = primary_accounts.person_id
        and primary_accounts.account_rank = 1
)

select * from final
