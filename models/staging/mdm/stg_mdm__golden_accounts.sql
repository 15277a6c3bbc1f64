with

source as (
    {{ select_raw_columns('mdm', 'golden_account') }}
),

renamed as (
    select
        -- ids
        golden_account_id,

        -- attributes
        {{ clean_text('name') }} as account_name,
        {{ normalize_domain('domain') }} as domain,
        {{ clean_text('industry') }} as industry,
        {{ clean_text('country') }} as country,

        -- timestamps
        updated_at
    from source
)

select * from renamed
