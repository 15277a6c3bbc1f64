-- Every raw Marketo lead row, renamed and normalised, with its disposition (see macro audit_columns).
with

source as (
    {{ select_raw_columns('marketo', 'lead', key=clean_text('id'), version_order=marketo_version_order()) }}
),

{{ email_reference_ctes() }},

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as lead_id,
        {{ clean_text('external_company_id') }} as company_id,
        {{ clean_text('sfdc_lead_id') }} as sfdc_lead_id,
        {{ clean_text('sfdc_contact_id') }} as sfdc_contact_id,

        -- attributes
        email as email_raw,
        {{ normalize_email('email') }} as email_normalized,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company') }} as company_name,
        {{ normalize_domain('website') }} as company_domain,
        {{ clean_text('title') }} as title,

        -- flags
        coalesce(unsubscribed, false) as is_unsubscribed,
        coalesce(email_invalid, false) as is_email_invalid,

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
        renamed.*,
        {{ email_issue('renamed.email_raw', 'renamed.email_normalized') }} as email_issue,
        {{ audit_columns('lead_id', has_deleted=false) }}
    from renamed
    {{ email_reference_joins('renamed.email_normalized') }}
)

select * from final
