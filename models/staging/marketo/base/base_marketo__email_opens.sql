-- Every raw Marketo 'Open Email' activity row, renamed, with its disposition (see macro audit_columns).
-- An activity needs a lead and a time; a re-sent activity (same id) is counted once.
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
        'marketo', 'activity_open_email', key=clean_text('id'),
        version_order=loader_version_order(), changed_since=cdp.raw_high_water_mark(is_incremental())
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

{{ cdp.select_with_unit_stamps('final', is_incremental()) }}
