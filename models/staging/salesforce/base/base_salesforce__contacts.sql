-- Every raw Salesforce contact row, renamed and normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('salesforce', 'contact', key=clean_text('id'), version_order=salesforce_version_order()) }}
),

{{ email_reference_ctes() }},

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,

        -- attributes
        email as email_raw,
        {{ normalize_email('email') }} as email_normalized,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('title') }} as title,

        -- flags
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
        {{ audit_columns('contact_id') }}
    from renamed
    {{ email_reference_joins('renamed.email_normalized') }}
)

select * from final
