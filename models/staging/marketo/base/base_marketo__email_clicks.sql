-- Every raw Marketo 'Click Email' activity row, renamed, with its disposition (see macro audit_columns).
-- An activity needs a lead and a time; a re-sent activity (same id) is counted once.
with

source as (
    {{ select_raw_columns(
        'marketo', 'activity_click_email', key=clean_text('id'),
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as email_click_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- attributes
        {{ clean_text('primary_attribute_value') }} as email_name,

        -- timestamps
        activity_date as clicked_at,

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
            'email_click_id',
            has_deleted=false,
            unreadable={'activity_date': 'unparseable_timestamp'},
            rules=[
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
                ('clicked_at is null', 'missing_required_value', "'activity_date is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
