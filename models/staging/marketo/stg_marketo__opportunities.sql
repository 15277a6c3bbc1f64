with

source as (
    {{ select_raw_columns('marketo', 'opportunity') }}
),

renamed as (
    select
        -- ids
        external_opportunity_id as opportunity_id,
        external_company_id as company_id,
        id as marketo_opportunity_id,

        -- attributes
        {{ clean_text('name') }} as opportunity_name,
        {{ clean_text('stage') }} as stage,
        amount,
        close_date,

        -- flags
        coalesce(is_won, false) as is_won,
        coalesce(is_closed, coalesce(is_won, false)) as is_closed,

        -- timestamps
        {{ marketo_updated_at() }} as updated_at
    from source
    where {{ is_current_row(has_is_deleted=false) }}
)

select * from renamed
