with

memberships as (
    select * from {{ ref('base_marketo__list_memberships') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        list_membership_id,
        list_id,
        lead_id,

        -- timestamps
        added_at
    from memberships
)

select * from final
