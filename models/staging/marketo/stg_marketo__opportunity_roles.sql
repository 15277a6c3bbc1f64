with

roles as (
    select * from {{ ref('base_marketo__opportunity_roles') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        opportunity_role_id,
        opportunity_id,
        lead_id,

        -- attributes
        role,

        -- flags
        is_primary,

        -- timestamps
        updated_at
    from roles
)

select * from final
