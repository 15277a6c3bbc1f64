-- Every raw Salesforce currency type row, with its disposition (see macro audit_columns). A currency is identified
-- by its ISO code (upper case); a rate that is missing, unreadable or not positive cannot convert an amount, so the
-- row is quarantined.
with

source as (
    {{ select_raw_columns(
        'salesforce', 'currency_type', key='upper(' ~ clean_text('iso_code') ~ ')',
        version_order=salesforce_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        upper({{ clean_text('iso_code') }}) as currency_iso_code,

        -- attributes
        conversion_rate,

        -- flags
        coalesce(is_corporate, false) as is_corporate,
        coalesce(is_active, true) as is_active,

        -- timestamps
        {{ salesforce_updated_at() }} as updated_at,

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
        {{ audit_columns(
            'currency_iso_code',
            has_deleted=false,
            unreadable={'conversion_rate': 'unparseable_value'},
            rules=[
                ('conversion_rate is null', 'missing_required_value', "'conversion_rate is empty'"),
                ('conversion_rate <= 0', 'invalid_conversion_rate', "'conversion_rate is not positive'"),
            ]
        ) }}
    from renamed
)

select * from final
