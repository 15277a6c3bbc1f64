-- Every raw Salesforce campaign row, renamed, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('salesforce', 'campaign', key=clean_text('id'), version_order=salesforce_version_order()) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as campaign_id,

        -- attributes
        {{ clean_text('name') }} as campaign_name,
        {{ clean_text('type') }} as campaign_type,
        {{ clean_text('status') }} as campaign_status,
        start_date,
        end_date,

        -- flags
        coalesce(is_active, false) as is_active,

        -- timestamps
        {{ salesforce_updated_at() }} as updated_at,

        -- audit
        is_deleted,
        _fivetran_active,
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns('campaign_id') }}
    from renamed
)

select * from final
