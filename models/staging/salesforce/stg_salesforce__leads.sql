with

leads as (
    select * from {{ ref('base_salesforce__leads') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        lead_id,
        converted_contact_id,
        converted_account_id,

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
        is_converted,
        has_opted_out_of_email,

        -- timestamps
        updated_at
    from leads
)

select * from final
