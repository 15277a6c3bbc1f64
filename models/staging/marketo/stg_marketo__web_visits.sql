with

visits as (
    select * from {{ ref('base_marketo__web_visits') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        visit_id,
        lead_id,

        -- attributes
        page_url,
        page_name,
        query_parameters,
        referrer_url,

        -- timestamps
        visited_at
    from visits
)

select * from final
