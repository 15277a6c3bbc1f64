with

accounts_resolved as (
    select * from {{ ref('int_accounts_resolved') }}
),

final as (
    select
        source_system,
        source_account_id,
        account_id,
        golden_account_id,
        match_method,
        match_probability
    from accounts_resolved
)

select * from final
