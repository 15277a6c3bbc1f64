-- Every raw MDM golden account row, normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns(
        'mdm', 'golden_account', key=clean_text('golden_account_id'), version_order='updated_at desc nulls last'
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('golden_account_id') }} as golden_account_id,

        -- attributes
        {{ clean_text('name') }} as account_name,
        {{ normalize_domain('domain') }} as domain,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('country') }} as country,

        -- timestamps
        updated_at,

        -- audit
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns('golden_account_id', has_history=false, has_deleted=false) }}
    from renamed
)

select * from final
