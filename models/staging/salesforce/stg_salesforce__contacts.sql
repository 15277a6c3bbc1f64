with

contacts as (
    select * from {{ ref('base_salesforce__contacts') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        contact_id,
        account_id,

        -- attributes
        email_raw,
        case when email_issue in ('invalid_email', 'placeholder_email') then null else email_normalized end as email,
        email_issue,
        first_name,
        last_name,
        title,

        -- flags
        has_opted_out_of_email,

        -- timestamps
        updated_at
    from contacts
)

select * from final
