with

campaigns as (
    select * from {{ ref('base_salesforce__campaigns') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        campaign_id,

        -- attributes
        campaign_name,
        campaign_type,
        campaign_status,
        start_date,
        end_date,

        -- flags
        is_active,

        -- timestamps
        updated_at
    from campaigns
)

select * from final
