with

companies as (
    select * from {{ ref('base_marketo__companies') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        company_id,
        marketo_company_id,

        -- attributes
        company_name,
        website,
        domain,
        industry,
        billing_country,
        billing_city,
        phone,

        -- timestamps
        updated_at
    from companies
)

select * from final
