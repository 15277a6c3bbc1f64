-- Every entry into and exit from a segment, appended by each run that sees one: the run compares segment_membership
-- with the members the events so far say are in (each person's latest event per segment is an entry). Append-only on
-- every engine, and kept by --full-refresh (full_refresh=false): the past cannot be rebuilt from today's data.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail'
) }}

with

current_members as (
    select distinct
        segment_name,
        person_id
    from {{ ref('segment_membership') }}
),

-- The events so far (none on the first build).
events_so_far as (
    {% if is_incremental() %}
        select
            segment_name,
            person_id,
            change_type,
            changed_at
        from {{ this }}
    {% else %}
        select
            segment_name,
            person_id,
            cast(null as {{ dbt.type_string() }}) as change_type,
            cast(null as {{ dbt.type_timestamp() }}) as changed_at
        from current_members
        where 1 = 0
    {% endif %}
),

latest_events as (
    select
        segment_name,
        person_id,
        change_type,
        row_number() over (
            partition by segment_name, person_id
            order by changed_at desc
        ) as recency
    from events_so_far
),

previous_members as (
    select
        segment_name,
        person_id
    from latest_events
    where recency = 1 and change_type = 'entered'
),

entered as (
    select
        current_members.segment_name,
        current_members.person_id,
        'entered' as change_type
    from current_members
    left join previous_members
        on
        current_members.segment_name = previous_members.segment_name
        and current_members.person_id = previous_members.person_id
    where previous_members.person_id is null
),

exited as (
    select
        previous_members.segment_name,
        previous_members.person_id,
        'exited' as change_type
    from previous_members
    left join current_members
        on
        previous_members.segment_name = current_members.segment_name
        and previous_members.person_id = current_members.person_id
    where current_members.person_id is null
),

changes as (
    select * from entered
    union all
    select * from exited
),

final as (
    select
        segment_name,
        person_id,
        change_type,
        {{ run_started_timestamp() }} as changed_at,
        '{{ invocation_id }}' as run_id
    from changes
)

select * from final
