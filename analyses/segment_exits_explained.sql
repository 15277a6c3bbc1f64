-- Members who left and why: every person whose latest change in a segment is an exit
-- (segment_membership_events), with what keeps them out now. Answers "why did this person drop out of the
-- audience?" One row per reason:
--   condition_fails  a declared condition that now fails for them (segment_definitions describes it), read from the
--                    segment's evaluation (<segment>__evaluated, one boolean per condition: macro
--                    segment_condition_values); for an account segment, for each of their accounts that fails it;
--   assignment       every condition holds, but they are now suppressed, excluded or outranked
--                    (segment_qualifications);
--   not_evaluated    the segment evaluates no such person (or none of their accounts) any more: their records merged
--                    into another person (a new person_id) or left the sources;
--   unexplained      every condition holds and no assignment keeps them out: a run left them out that should not
--                    have (the next run brings them back).
with

events as (
    select * from {{ ref('segment_membership_events') }}
),

definitions as (
    select * from {{ ref('segment_definitions') }}
),

qualifications as (
    select * from {{ ref('segment_qualifications') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

condition_values as (
    {{ cdp.segment_condition_values() }}
),

latest_events as (
    select
        segment_name,
        person_id,
        change_type,
        changed_at,
        row_number() over (
            partition by segment_name, person_id
            order by changed_at desc
        ) as recency
    from events
),

exits as (
    select
        segment_name,
        person_id,
        changed_at as exited_at
    from latest_events
    where recency = 1 and change_type = 'exited'
),

-- What a segment evaluates for each exited person: the person, or each of their accounts.
exit_keys as (
    select
        segment_name,
        person_id,
        'person' as key_grain,
        person_id as key_value
    from exits

    union all

    select
        exits.segment_name,
        exits.person_id,
        'account' as key_grain,
        bridge.account_id as key_value
    from exits
    inner join bridge on exits.person_id = bridge.person_id
),

evaluated as (
    select
        exit_keys.segment_name,
        exit_keys.person_id,
        exit_keys.key_value,
        condition_values.condition_order,
        condition_values.condition_name,
        condition_values.condition_holds
    from exit_keys
    inner join condition_values
        on
        exit_keys.segment_name = condition_values.segment_name
        and exit_keys.key_grain = condition_values.segment_grain
        and exit_keys.key_value = condition_values.key_value
),

exit_outcomes as (
    select
        exits.segment_name,
        exits.person_id,
        count(evaluated.condition_name) as conditions_evaluated,
        count(case when not evaluated.condition_holds then 1 end) as conditions_failing
    from exits
    left join evaluated
        on
        exits.segment_name = evaluated.segment_name
        and exits.person_id = evaluated.person_id
    group by exits.segment_name, exits.person_id
),

reasons as (
    select
        evaluated.segment_name,
        evaluated.person_id,
        'condition_fails' as reason,
        evaluated.key_value as evaluated_key,
        evaluated.condition_order,
        evaluated.condition_name as failing_condition,
        definitions.description as detail
    from evaluated
    inner join definitions
        on
        evaluated.segment_name = definitions.segment_name
        and evaluated.condition_name = definitions.condition_name
    where not evaluated.condition_holds

    union all

    select
        exit_outcomes.segment_name,
        exit_outcomes.person_id,
        case
            when qualifications.assignment is not null then 'assignment'
            when exit_outcomes.conditions_evaluated = 0 then 'not_evaluated'
            else 'unexplained'
        end as reason,
        cast(null as {{ dbt.type_string() }}) as evaluated_key,
        cast(null as {{ dbt.type_bigint() }}) as condition_order,
        cast(null as {{ dbt.type_string() }}) as failing_condition,
        case
            when qualifications.assignment is not null
                then 'now ' || qualifications.assignment || coalesce(': ' || qualifications.assignment_reason, '')
            when exit_outcomes.conditions_evaluated = 0
                then 'the segment evaluates no such person or account any more (merged into another person, or gone)'
            else 'every condition holds and no assignment: the next run should bring them back'
        end as detail
    from exit_outcomes
    left join qualifications
        on
        exit_outcomes.segment_name = qualifications.segment_name
        and exit_outcomes.person_id = qualifications.person_id
    where exit_outcomes.conditions_failing = 0
),

final as (
    select
        reasons.segment_name,
        reasons.person_id,
        persons.email,
        exits.exited_at,
        reasons.reason,
        reasons.evaluated_key,
        reasons.failing_condition,
        reasons.detail,
        reasons.condition_order
    from reasons
    inner join exits
        on
        reasons.segment_name = exits.segment_name
        and reasons.person_id = exits.person_id
    left join persons on reasons.person_id = persons.person_id
)

select * from final
order by segment_name asc, exited_at desc, person_id asc, condition_order asc, evaluated_key asc
