with

memberships as (
    select * from {{ ref('base_marketo__program_memberships') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        program_membership_id,
        program_id,
        lead_id,

        -- attributes
        membership_status,

        -- flags
        has_reached_success,

        -- timestamps
        joined_at
    from memberships
)

select * from final
