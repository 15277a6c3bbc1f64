with

email_clicks as (
    select * from {{ ref('base_marketo__email_clicks') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        email_click_id,
        lead_id,

        -- attributes
        email_name,

        -- timestamps
        clicked_at
    from email_clicks
)

select * from final
