with

email_opens as (
    select * from {{ ref('base_marketo__email_opens') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        email_open_id,
        lead_id,

        -- attributes
        email_name,

        -- timestamps
        opened_at
    from email_opens
)

select * from final
