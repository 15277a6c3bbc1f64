-- Every raw Marketo opportunity row, renamed, with its disposition (see macro audit_columns). A deal without a
-- readable amount or is_won, or with a negative amount, cannot be counted and is quarantined.
with

source as (
    {{ select_raw_columns(
        'marketo', 'opportunity', key=clean_text('external_opportunity_id'), version_order=marketo_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('external_opportunity_id') }} as opportunity_id,
        {{ clean_text('external_company_id') }} as company_id,
        {{ clean_text('id') }} as marketo_opportunity_id,

        -- attributes
        {{ clean_text('name') }} as opportunity_name,
        {{ clean_text('stage') }} as stage,
        amount,
        close_date,

        -- flags
        coalesce(is_won, false) as is_won,
        coalesce(is_closed, coalesce(is_won, false)) as is_closed,

        -- timestamps
        {{ marketo_updated_at() }} as updated_at,

        -- audit
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
            has_deleted=false,
            unreadable={'amount': 'unparseable_value', 'is_won': 'unparseable_value'},
            rules=[
                ('company_id is null', 'missing_required_id', "'external_company_id is empty'"),
                ('amount < 0', 'negative_amount', "'amount is negative'"),
            ]
        ) }}
    from renamed
)

select * from final
