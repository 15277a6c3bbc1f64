with

source as (
    {{ select_raw_columns('salesforce', 'opportunity') }}
),

renamed as (
    select
        -- ids
        id as opportunity_id,
        account_id,

        -- attributes
        {{ clean_text('name') }} as opportunity_name,
        {{ clean_text('stage_name') }} as stage,
        amount,
        upper({{ clean_text('currency_iso_code') }}) as currency_iso_code,
        close_date,

        -- flags
        coalesce(is_won, false) as is_won,
        coalesce(is_closed, coalesce(is_won, false)) as is_closed,

        -- timestamps
        {{ salesforce_updated_at() }} as updated_at
    from source
    where {{ is_current_row() }}
)

select * from renamed
