with

source as (
    {{ select_raw_columns('salesforce', 'account_contact_relation') }}
),

renamed as (
    select
        -- ids
        coalesce(id, {{ dbt.concat(['account_id', "':'", 'contact_id']) }}) as account_contact_relation_id,
        account_id,
        contact_id,

        -- attributes
        {{ clean_text('roles') }} as roles,

        -- flags
        coalesce(is_direct, false) as is_direct,
        coalesce(is_active, true) as is_active
    from source
    where {{ is_current_row() }}
)

select * from renamed
