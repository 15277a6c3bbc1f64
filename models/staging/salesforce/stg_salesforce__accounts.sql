with

source as (
    {{ select_raw_columns('salesforce', 'account') }}
),

renamed as (
    select
        -- ids
        id as account_id,

        -- attributes
        {{ clean_text('name') }} as account_name,
        {{ clean_text('website') }} as website,
        {{ normalize_domain('website') }} as domain,
        {{ clean_text('industry') }} as industry,
        number_of_employees,
        annual_revenue,
        {{ clean_text('billing_country') }} as billing_country,

        -- timestamps
        {{ salesforce_updated_at() }} as updated_at
    from source
    where {{ is_current_row() }}
)

select * from renamed
