-- Every raw Salesforce lead row, renamed and normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('salesforce', 'lead', key=clean_text('id'), version_order=salesforce_version_order()) }}
),

{{ email_reference_ctes() }},

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as lead_id,
        {{ clean_text('converted_contact_id') }} as converted_contact_id,
        {{ clean_text('converted_account_id') }} as converted_account_id,

        -- attributes
        email as email_raw,
        {{ normalize_email('email') }} as email_normalized,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company') }} as company_name,
        {{ normalize_domain('website') }} as company_domain,
        {{ clean_text('title') }} as title,

        -- flags
        coalesce(is_converted, false) as is_converted,
        coalesce(has_opted_out_of_email, false) as has_opted_out_of_email,

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
        renamed.*,
        {{ email_issue('renamed.email_raw', 'renamed.email_normalized') }} as email_issue,
        {{ audit_columns('lead_id') }}
    from renamed
    {{ email_reference_joins('renamed.email_normalized') }}
)

select * from final
