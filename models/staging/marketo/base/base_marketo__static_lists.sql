-- Every raw Marketo static list row, renamed, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('marketo', 'static_list', key=clean_text('id'), version_order=marketo_version_order()) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as list_id,

        -- attributes
        {{ clean_text('name') }} as list_name,

        -- timestamps
        created_at,
        {{ marketo_updated_at() }} as updated_at,

        -- audit
        _fivetran_active,
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns('list_id', has_deleted=false) }}
    from renamed
)

select * from final
