with

currency_types as (
    select * from {{ ref('base_salesforce__currency_types') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        currency_iso_code,

        -- attributes
        conversion_rate,

        -- flags
        is_corporate,
        is_active,

        -- timestamps
        updated_at
    from currency_types
)

select * from final
