-- Per segment and condition: how many candidates (people, or accounts for account segments) pass that one
-- condition, read from the segment's evaluation; then, in the segment's grain, how many qualified and what happened
-- to them (members, holdout, suppressed, excluded, outranked); and the marketable members (people) and the accounts
-- they cover. A marketer sees which condition narrows the audience and what the assignment took away.
{%- set registry = cdp.segment_registry() %}

with

membership as (
    select * from {{ ref('segment_membership') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

condition_counts as (
    {%- for segment_name, declaration in registry.items() %}
        {%- set evaluated = cdp.segment_evaluated_relation(ref(segment_name)) %}
        {%- for condition_name in declaration.conditions %}
            select
                {{ cdp.string_literal(segment_name) }} as segment_name,
                {{ loop.index }} as condition_order,
                {{ cdp.string_literal(condition_name) }} as condition_name,
                count(*) as candidates,
                sum(case when coalesce({{ condition_name }}, false) then 1 else 0 end) as candidates_passing
            from {{ evaluated }}
            union all
        {%- endfor %}
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        0 as condition_order,
        cast(null as {{ dbt.type_string() }}) as condition_name,
        0 as candidates,
        0 as candidates_passing
    where 1 = 0
),

assignments as (
    {%- for segment_name in registry %}
        select
            {{ cdp.string_literal(segment_name) }} as segment_name,
            count(*) as qualified,
            sum(case when assignment = 'member' then 1 else 0 end) as members,
            sum(case when assignment = 'holdout' then 1 else 0 end) as holdout_members,
            sum(case when assignment = 'suppressed' then 1 else 0 end) as suppressed,
            sum(case when assignment = 'excluded' then 1 else 0 end) as excluded,
            sum(case when assignment = 'outranked' then 1 else 0 end) as outranked
        from {{ ref(segment_name) }}
        union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as segment_name,
        0 as qualified,
        0 as members,
        0 as holdout_members,
        0 as suppressed,
        0 as excluded,
        0 as outranked
    where 1 = 0
),

sent_persons as (
    select
        membership.segment_name,
        count(distinct case when membership.is_marketable then membership.person_id end) as marketable_members,
        count(distinct bridge.account_id) as accounts_covered
    from membership
    left join bridge on membership.person_id = bridge.person_id
    where membership.assignment = 'member'
    group by membership.segment_name
),

final as (
    select
        condition_counts.segment_name,
        cast(condition_counts.condition_order as {{ dbt.type_bigint() }}) as condition_order,
        condition_counts.condition_name,
        cast(condition_counts.candidates as {{ dbt.type_bigint() }}) as candidates,
        cast(condition_counts.candidates_passing as {{ dbt.type_bigint() }}) as candidates_passing,
        cast(coalesce(assignments.members, 0) as {{ dbt.type_bigint() }}) as members,
        cast(coalesce(sent_persons.marketable_members, 0) as {{ dbt.type_bigint() }}) as marketable_members,
        cast(coalesce(sent_persons.accounts_covered, 0) as {{ dbt.type_bigint() }}) as accounts_covered,
        cast(coalesce(assignments.qualified, 0) as {{ dbt.type_bigint() }}) as qualified,
        cast(coalesce(assignments.holdout_members, 0) as {{ dbt.type_bigint() }}) as holdout_members,
        cast(coalesce(assignments.suppressed, 0) as {{ dbt.type_bigint() }}) as suppressed,
        cast(coalesce(assignments.excluded, 0) as {{ dbt.type_bigint() }}) as excluded,
        cast(coalesce(assignments.outranked, 0) as {{ dbt.type_bigint() }}) as outranked
    from condition_counts
    left join assignments on condition_counts.segment_name = assignments.segment_name
    left join sent_persons on condition_counts.segment_name = sent_persons.segment_name
)

select * from final
