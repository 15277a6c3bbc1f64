-- Every raw Salesforce account row, renamed and normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('salesforce', 'account', key=clean_text('id'), version_order=salesforce_version_order()) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as account_id,

        -- attributes
        {{ clean_text('name') }} as account_name,
        {{ clean_text('website') }} as website,
        {{ normalize_domain('website') }} as domain,
        {{ clean_text('industry') }} as industry,
        number_of_employees,
        annual_revenue,
        {{ clean_text('billing_country') }} as billing_country,
        {{ clean_text('billing_city') }} as billing_city,
        {{ clean_text('phone') }} as phone,

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
        {{ audit_columns('account_id') }}
    from renamed
)

select * from final
