with

source as (
    {{ select_raw_columns('marketo', 'lead') }}
),

{{ placeholder_email_ctes() }},

renamed as (
    select
        -- ids
        id as lead_id,
        {{ clean_text('external_company_id') }} as company_id,
        {{ clean_text('sfdc_lead_id') }} as sfdc_lead_id,
        {{ clean_text('sfdc_contact_id') }} as sfdc_contact_id,

        -- attributes
        email as email_raw,
        {{ normalize_email('email') }} as email_normalized,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('company') }} as company_name,
        {{ clean_text('title') }} as title,

        -- flags
        coalesce(unsubscribed, false) as is_unsubscribed,
        coalesce(email_invalid, false) as is_email_invalid,

        -- timestamps
        created_at,
        {{ marketo_updated_at() }} as updated_at
    from source
    where {{ is_current_row(has_is_deleted=false) }}
),

final as (
    select
        renamed.lead_id,
        renamed.company_id,
        renamed.sfdc_lead_id,
        renamed.sfdc_contact_id,
        renamed.email_raw,
        {{ without_placeholder('renamed.email_normalized') }} as email,
        renamed.first_name,
        renamed.last_name,
        renamed.company_name,
        renamed.title,
        renamed.is_unsubscribed,
        renamed.is_email_invalid,
        renamed.created_at,
        renamed.updated_at
    from renamed
    {{ placeholder_email_joins('renamed.email_normalized') }}
)

select * from final
