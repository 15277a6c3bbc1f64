with

lists as (
    select * from {{ ref('base_marketo__static_lists') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        list_id,

        -- attributes
        list_name,

        -- timestamps
        created_at,
        updated_at
    from lists
)

select * from final
