with

golden_accounts as (
    select * from {{ ref('base_mdm__golden_accounts') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        golden_account_id,

        -- attributes
        account_name,
        domain,
        industry,
        country,

        -- timestamps
        updated_at
    from golden_accounts
)

select * from final
