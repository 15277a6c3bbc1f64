with

opportunities as (
    select * from {{ ref('int_opportunities_deduplicated') }}
),

final as (
    select
        opportunity_id,
        account_id,
        source_system,
        source_opportunity_id,
        opportunity_name,
        stage,
        amount,
        currency_iso_code,
        cast(amount_usd as {{ dbt.type_numeric() }}) as amount_usd,
        is_won,
        is_closed,
        close_date,
        updated_at
    from opportunities
)

select * from final
