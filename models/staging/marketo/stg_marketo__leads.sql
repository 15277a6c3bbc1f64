with

leads as (
    select * from {{ ref('base_marketo__leads') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        lead_id,
        company_id,
        sfdc_lead_id,
        sfdc_contact_id,

        -- attributes
        email_raw,
        case when email_issue in ('invalid_email', 'placeholder_email') then null else email_normalized end as email,
        email_issue,
        first_name,
        last_name,
        company_name,
        company_domain,
        title,

        -- flags
        is_unsubscribed,
        is_email_invalid,

        -- timestamps
        created_at,
        updated_at
    from leads
)

select * from final
