with

accounts_resolved as (
    select * from {{ ref('int_accounts_resolved') }}
),

final as (
    select
        source_system,
        source_account_id,
        account_id,
        golden_account_id
    from accounts_resolved
)

select * from final
