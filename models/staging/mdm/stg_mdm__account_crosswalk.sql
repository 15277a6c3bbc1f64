with

source as (
    {{ select_raw_columns('mdm', 'account_crosswalk') }}
),

renamed as (
    select
        -- ids
        golden_account_id,
        lower(trim(source_system)) as source_system,
        source_account_id,

        -- flags
        coalesce(is_active, true) as is_active,

        -- timestamps
        updated_at
    from source
)

select * from renamed
