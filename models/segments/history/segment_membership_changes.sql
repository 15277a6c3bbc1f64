-- Who entered and who left each segment in this run: the events this dbt invocation appended to
-- segment_membership_events (empty when nothing changed). Built in the same run as the events (dbt build does).
with

events as (
    select * from {{ ref('segment_membership_events') }}
),

final as (
    select
        segment_name,
        person_id,
        change_type,
        changed_at
    from events
    where run_id = '{{ invocation_id }}'
)

select * from final
