with

source as (
    {{ select_raw_columns('salesforce', 'opportunity_contact_role') }}
),

renamed as (
    select
        -- ids
        coalesce(id, {{ dbt.concat(['opportunity_id', "':'", 'contact_id']) }}) as opportunity_contact_role_id,
        opportunity_id,
        contact_id,

        -- attributes
        {{ clean_text('role') }} as role,

        -- flags
        coalesce(is_primary, false) as is_primary
    from source
    where {{ is_current_row() }}
)

select * from renamed
