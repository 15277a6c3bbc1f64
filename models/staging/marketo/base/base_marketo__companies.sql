-- Every raw Marketo company row, renamed and normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns(
        'marketo', 'company', key=clean_text('external_company_id'), version_order=marketo_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('external_company_id') }} as company_id,
        {{ clean_text('id') }} as marketo_company_id,

        -- attributes
        {{ clean_text('company') }} as company_name,
        {{ clean_text('website') }} as website,
        {{ normalize_domain('website') }} as domain,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('billing_country') }} as billing_country,
        {{ clean_text('billing_city') }} as billing_city,
        {{ clean_text('main_phone') }} as phone,

        -- timestamps
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
        {{ audit_columns('company_id', has_deleted=false) }}
    from renamed
)

select * from final
