with

form_fills as (
    select * from {{ ref('base_marketo__form_fills') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        form_fill_id,
        lead_id,

        -- attributes
        form_name,
        page_url,

        -- timestamps
        filled_at
    from form_fills
)

select * from final
