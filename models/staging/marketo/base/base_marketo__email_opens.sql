-- Every raw Marketo 'Open Email' activity row, renamed, with its disposition (see macro audit_columns).
-- An activity needs a lead and a time; a re-sent activity (same id) is counted once.
with

source as (
    {{ select_raw_columns(
        'marketo', 'activity_open_email', key=clean_text('id'),
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as email_open_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- attributes
        {{ clean_text('primary_attribute_value') }} as email_name,

        -- timestamps
        activity_date as opened_at,

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
            'email_open_id',
            has_deleted=false,
            unreadable={'activity_date': 'unparseable_timestamp'},
            rules=[
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
                ('opened_at is null', 'missing_required_value', "'activity_date is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
