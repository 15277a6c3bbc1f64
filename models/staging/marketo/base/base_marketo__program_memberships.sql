-- Every raw Marketo program membership row, renamed, with its disposition (see macro audit_columns). The landing
-- has no id column: a membership is identified by program and lead (program_id:lead_id) and needs both.
with

source as (
    {{ select_raw_columns(
        'marketo', 'program_membership',
        key=dbt.concat([
            "coalesce(" ~ clean_text('program_id') ~ ", '')", "':'", "coalesce(" ~ clean_text('lead_id') ~ ", '')"
        ]),
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        _version_key as program_membership_id,
        {{ clean_text('program_id') }} as program_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- attributes
        {{ clean_text('status') }} as membership_status,

        -- flags
        coalesce(reached_success, false) as has_reached_success,

        -- timestamps
        membership_date as joined_at,

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
            'program_membership_id',
            has_deleted=false,
            rules=[
                ('program_id is null', 'missing_required_id', "'program_id is empty'"),
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
