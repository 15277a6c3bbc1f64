-- Every raw Marketo 'Visit Web Page' activity row, renamed, with its disposition (see macro audit_columns).
-- A visit needs a lead, a time and a page; a re-sent activity (same id) is counted once.
with

source as (
    {{ select_raw_columns(
        'marketo', 'activity_visit_webpage', key=clean_text('id'),
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as visit_id,
        {{ clean_text('lead_id') }} as lead_id,

        -- attributes
        {{ clean_text('webpage_url') }} as page_url,
        {{ clean_text('primary_attribute_value') }} as page_name,
        {{ clean_text('query_parameters') }} as query_parameters,
        {{ clean_text('referrer_url') }} as referrer_url,

        -- timestamps
        activity_date as visited_at,

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
            'visit_id',
            has_deleted=false,
            unreadable={'activity_date': 'unparseable_timestamp'},
            rules=[
                ('lead_id is null', 'missing_required_id', "'lead_id is empty'"),
                ('visited_at is null', 'missing_required_value', "'activity_date is empty'"),
                ('page_url is null', 'missing_required_value', "'webpage_url is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
