-- Every raw Marketo program row, renamed, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('marketo', 'program', key=clean_text('id'), version_order=marketo_version_order()) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as program_id,
        {{ clean_text('sfdc_id') }} as sfdc_campaign_id,

        -- attributes
        {{ clean_text('name') }} as program_name,
        {{ clean_text('type') }} as program_type,
        {{ clean_text('channel') }} as channel,

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
        {{ audit_columns('program_id', has_deleted=false) }}
    from renamed
)

select * from final
