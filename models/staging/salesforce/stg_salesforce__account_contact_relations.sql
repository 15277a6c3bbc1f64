with

relations as (
    select * from {{ ref('base_salesforce__account_contact_relations') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        account_contact_relation_id,
        account_id,
        contact_id,

        -- attributes
        roles,

        -- flags
        is_direct,
        is_active
    from relations
)

select * from final
