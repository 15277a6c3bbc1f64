-- Every raw Marketo 'Visit Web Page' activity row, renamed, with its disposition (see macro audit_columns).
-- A visit needs a lead, a time and a page; a re-sent activity (same id) is counted once.
-- Incremental (README, "Incremental builds"): a run reads the ids with a raw row loaded since the newest row it
-- holds (minus var('incremental_lookback_hours')) and replaces every row of those ids (_replace_key); _added_at and
-- _changed_at say when an id first came and last changed (macro select_with_unit_stamps).
{{ config(
    materialized='incremental',
    incremental_strategy=cdp.incremental_strategy(),
    unique_key='_replace_key',
    on_schema_change='fail'
) }}

with

source as (
    {{ select_raw_columns(
        'marketo', 'activity_visit_webpage', key=clean_text('id'),
        version_order=loader_version_order(), changed_since=cdp.raw_high_water_mark(is_incremental())
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
        _fivetran_synced,
        _fivetran_active,
        _unreadable_columns,
        coalesce(_version_key, '') as _replace_key,
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

{{ cdp.select_with_unit_stamps('final', is_incremental()) }}
