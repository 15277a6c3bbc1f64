with

crosswalk as (
    select * from {{ ref('base_mdm__account_crosswalk') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        golden_account_id,
        source_system,
        source_account_id,

        -- flags
        is_active,

        -- timestamps
        updated_at
    from crosswalk
)

select * from final
