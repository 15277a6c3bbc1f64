with

opportunities as (
    select * from {{ ref('base_salesforce__opportunities') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        opportunity_id,
        account_id,

        -- attributes
        opportunity_name,
        stage,
        amount,
        currency_iso_code,
        close_date,

        -- flags
        is_won,
        is_closed,

        -- timestamps
        updated_at
    from opportunities
)

select * from final
