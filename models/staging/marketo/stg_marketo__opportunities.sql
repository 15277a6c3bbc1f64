with

opportunities as (
    select * from {{ ref('base_marketo__opportunities') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        opportunity_id,
        company_id,
        marketo_opportunity_id,

        -- attributes
        opportunity_name,
        stage,
        amount,
        close_date,

        -- flags
        is_won,
        is_closed,

        -- timestamps
        updated_at
    from opportunities
)

select * from final
