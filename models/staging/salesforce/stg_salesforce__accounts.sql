with

accounts as (
    select * from {{ ref('base_salesforce__accounts') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        account_id,

        -- attributes
        account_name,
        website,
        domain,
        industry,
        number_of_employees,
        annual_revenue,
        billing_country,
        billing_city,
        phone,

        -- timestamps
        updated_at
    from accounts
)

select * from final
