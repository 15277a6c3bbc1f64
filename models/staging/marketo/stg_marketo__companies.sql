with

source as (
    {{ select_raw_columns('marketo', 'company') }}
),

renamed as (
    select
        -- ids
        external_company_id as company_id,
        id as marketo_company_id,

        -- attributes
        {{ clean_text('company') }} as company_name,
        {{ clean_text('website') }} as website,
        {{ normalize_domain('website') }} as domain,
        {{ clean_text('industry') }} as industry,

        -- timestamps
        {{ marketo_updated_at() }} as updated_at
    from source
    where {{ is_current_row(has_is_deleted=false) }}
)

select * from renamed
