{#
    Generic test on the column that says when a model's facts were evaluated (person_traits.as_of_at): it equals the
    as_of the incremental activity facts (`facts`: int_lead_activities_aggregated, whose newest rows carry the as_of of
    its last run) hold at. Fails when the traits were rebuilt at another as_of than those facts: to move to a new
    as_of, build int_lead_activities_aggregated+ (it includes the traits), not person_traits+ alone.
#}
{% test same_as_of_as(model, column_name, facts) %}
    with

    facts_as_of as (
        select max(newest.as_of_at) as as_of_at
        from {{ facts }} as newest
        where newest._processed_at = (select max(latest._processed_at) from {{ facts }} as latest)
    )

    select distinct
        {{ model }}.{{ column_name }} as as_of_at,
        facts_as_of.as_of_at as facts_as_of_at
    from {{ model }}
    cross join facts_as_of
    where facts_as_of.as_of_at is not null and {{ model }}.{{ column_name }} <> facts_as_of.as_of_at
{% endtest %}
