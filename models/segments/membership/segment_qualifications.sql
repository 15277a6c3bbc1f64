-- Every segment's qualified candidates, as people (one row per segment and person): the persons of a person
-- segment's table, and the persons related to the accounts of an account segment's table (the best assignment of
-- their accounts; a person on the suppression list is suppressed). With the assignment and why: the place that
-- says who qualified and what happened to them (segment_membership keeps the assigned ones).
{%- set registry = cdp.segment_registry() %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

suppressed_persons as (
    select * from {{ ref('int_persons_suppressed') }}
),

qualified as (
    {%- for segment_name, declaration in registry.items() %}
        {%- if declaration.grain == 'person' %}
            select
                {{ cdp.string_literal(segment_name) }} as segment_name,
                'person' as segment_grain,
                segment.person_id,
                segment.account_id,
                segment.split_group,
                segment.assignment,
                segment.assignment_reason
            from {{ ref(segment_name) }} as segment
        {%- else %}
            select
                {{ cdp.string_literal(segment_name) }} as segment_name,
                'account' as segment_grain,
                bridge.person_id,
                segment.account_id,
                segment.split_group,
                case
                    when segment.assignment in ('member', 'holdout') and suppressed_persons.person_id is not null
                        then 'suppressed'
                    else segment.assignment
                end as assignment,
                case
                    when segment.assignment in ('member', 'holdout') and suppressed_persons.person_id is not null
                        then 'on the suppression list: ' || suppressed_persons.suppression
                    else segment.assignment_reason
                end as assignment_reason
            from {{ ref(segment_name) }} as segment
            inner join bridge on segment.account_id = bridge.account_id
            left join suppressed_persons on bridge.person_id = suppressed_persons.person_id
        {%- endif %}
        union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        cast(null as {{ dbt.type_string() }}) as segment_grain,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as split_group,
        cast(null as {{ dbt.type_string() }}) as assignment,
        cast(null as {{ dbt.type_string() }}) as assignment_reason
    where 1 = 0
),

ranked as (
    -- a person at several accounts of an account segment: their best assignment (member first), then account
    select
        qualified.*,
        row_number() over (
            partition by qualified.segment_name, qualified.person_id
            order by
                case qualified.assignment when 'member' then 1 when 'holdout' then 2 else 3 end,
                qualified.account_id asc nulls last
        ) as assignment_rank
    from qualified
),

final as (
    select
        ranked.segment_name,
        ranked.segment_grain,
        ranked.person_id,
        persons.email,
        persons.is_marketable,
        ranked.account_id,
        ranked.split_group,
        ranked.assignment,
        ranked.assignment_reason
    from ranked
    inner join persons on ranked.person_id = persons.person_id
    where ranked.assignment_rank = 1
)

select * from final
