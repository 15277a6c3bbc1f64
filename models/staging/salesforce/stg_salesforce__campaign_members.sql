with

members as (
    select * from {{ ref('base_salesforce__campaign_members') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,

        -- attributes
        member_status,

        -- flags
        has_responded,

        -- timestamps
        created_at,
        updated_at
    from members
)

select * from final
