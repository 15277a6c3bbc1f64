-- Membership over time: one row per stay of a person in a segment, from the entry event to the matching exit event
-- (segment_membership_events alternate entered / exited per person and segment). valid_to is null while the stay
-- lasts; valid_from <= t < valid_to is "a member at time t".
with

events as (
    select * from {{ ref('segment_membership_events') }}
),

ordered as (
    select
        segment_name,
        person_id,
        change_type,
        changed_at,
        lead(changed_at) over (
            partition by segment_name, person_id
            order by changed_at
        ) as next_changed_at
    from events
),

final as (
    select
        segment_name,
        person_id,
        changed_at as valid_from,
        next_changed_at as valid_to,
        next_changed_at is null as is_current
    from ordered
    where change_type = 'entered'
)

select * from final
