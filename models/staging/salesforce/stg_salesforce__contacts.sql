with

source as (
    {{ select_raw_columns('salesforce', 'contact') }}
),

{{ placeholder_email_ctes() }},

renamed as (
    select
        -- ids
        id as contact_id,
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
        {{ salesforce_updated_at() }} as updated_at
    from source
    where {{ is_current_row() }}
),

final as (
    select
        renamed.contact_id,
        renamed.account_id,
        renamed.email_raw,
        {{ without_placeholder('renamed.email_normalized') }} as email,
        renamed.first_name,
        renamed.last_name,
        renamed.title,
        renamed.has_opted_out_of_email,
        renamed.updated_at
    from renamed
    {{ placeholder_email_joins('renamed.email_normalized') }}
)

select * from final
