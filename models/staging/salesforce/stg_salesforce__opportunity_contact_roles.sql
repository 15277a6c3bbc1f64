with

roles as (
    select * from {{ ref('base_salesforce__opportunity_contact_roles') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        opportunity_contact_role_id,
        opportunity_id,
        contact_id,

        -- attributes
        role,

        -- flags
        is_primary
    from roles
)

select * from final
