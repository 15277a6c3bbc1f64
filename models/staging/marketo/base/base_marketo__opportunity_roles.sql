-- Every raw Marketo opportunity role row, renamed, with its disposition (see macro audit_columns). A role needs
-- its opportunity and its lead.
with

source as (
    {{ select_raw_columns(
        'marketo', 'opportunity_role', key=clean_text('id'), version_order=marketo_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as opportunity_role_id,
        {{ clean_text('external_opportunity_id') }} as opportunity_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- attributes
        {{ clean_text('role') }} as role,

        -- flags
        coalesce(is_primary, false) as is_primary,

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
            'opportunity_role_id',
            has_deleted=false,
            rules=[
                ('opportunity_id is null', 'missing_required_id', "'external_opportunity_id is empty'"),
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
