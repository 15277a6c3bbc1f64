-- Segment growth by week: how many people entered and left each segment every week, and how many were in it at the
-- end of the week. Answers "is this audience growing, and how fast does it churn?" Read from
-- segment_membership_events (every entry and exit a run saw; a person may enter and leave more than once), one row
-- per segment and week (weeks start on Monday, as date_trunc gives them) from the segment's first event to the
-- latest event of any segment, weeks without a change included. Members are the assigned people
-- (segment_membership: members and the holdout); for an account segment, the people of its accounts.
with recursive

events as (
    select * from {{ ref('segment_membership_events') }}
),

weekly_changes as (
    select
        segment_name,
        cast({{ dbt.date_trunc('week', 'changed_at') }} as date) as week_start,
        sum(case when change_type = 'entered' then 1 else 0 end) as entered,
        sum(case when change_type = 'exited' then 1 else 0 end) as exited
    from events
    group by segment_name, cast({{ dbt.date_trunc('week', 'changed_at') }} as date)
),

-- Every week from the first event's to the latest event's.
weeks as (
    select
        min(week_start) as week_start,
        max(week_start) as last_week_start
    from weekly_changes

    union all

    select
        cast({{ dbt.dateadd('day', 7, 'week_start') }} as date) as week_start,
        last_week_start
    from weeks
    where week_start < last_week_start
),

segment_first_weeks as (
    select
        segment_name,
        min(week_start) as first_week_start
    from weekly_changes
    group by segment_name
),

segment_weeks as (
    select
        segment_first_weeks.segment_name,
        weeks.week_start
    from segment_first_weeks
    inner join weeks on segment_first_weeks.first_week_start <= weeks.week_start
),

final as (
    select
        segment_weeks.segment_name,
        segment_weeks.week_start,
        coalesce(weekly_changes.entered, 0) as entered,
        coalesce(weekly_changes.exited, 0) as exited,
        coalesce(weekly_changes.entered, 0) - coalesce(weekly_changes.exited, 0) as net_change,
        sum(coalesce(weekly_changes.entered, 0) - coalesce(weekly_changes.exited, 0)) over (
            partition by segment_weeks.segment_name
            order by segment_weeks.week_start
            rows between unbounded preceding and current row
        ) as members_at_week_end
    from segment_weeks
    left join weekly_changes
        on
        segment_weeks.segment_name = weekly_changes.segment_name
        and segment_weeks.week_start = weekly_changes.week_start
)

select * from final
order by segment_name, week_start
