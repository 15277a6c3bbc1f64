-- Every raw Salesforce opportunity row, renamed, with its disposition (see macro audit_columns). A deal without a
-- readable amount or is_won, or with a negative amount, cannot be counted and is quarantined.
with

source as (
    {{ select_raw_columns(
        'salesforce', 'opportunity', key=clean_text('id'), version_order=salesforce_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,

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
        {{ salesforce_updated_at() }} as updated_at,

        -- audit
        is_deleted,
        _fivetran_active,
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns(
            'opportunity_id',
            unreadable={'amount': 'unparseable_value', 'is_won': 'unparseable_value'},
            rules=[
                ('account_id is null', 'missing_required_id', "'account_id is empty'"),
                ('amount < 0', 'negative_amount', "'amount is negative'"),
            ]
        ) }}
    from renamed
)

select * from final
