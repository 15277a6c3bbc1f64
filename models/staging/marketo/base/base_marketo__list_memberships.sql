-- Every raw Marketo static list membership row, renamed, with its disposition (see macro audit_columns). The
-- landing has no id column: a membership is identified by list and lead (list_id:lead_id) and needs both.
with

source as (
    {{ select_raw_columns(
        'marketo', 'list_membership',
        key=dbt.concat([
            "coalesce(" ~ clean_text('list_id') ~ ", '')", "':'", "coalesce(" ~ clean_text('lead_id') ~ ", '')"
        ]),
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        _version_key as list_membership_id,
        {{ clean_text('list_id') }} as list_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- timestamps
        created_at as added_at,

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
            'list_membership_id',
            has_deleted=false,
            rules=[
                ('list_id is null', 'missing_required_id', "'list_id is empty'"),
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
