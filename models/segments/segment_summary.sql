-- Per segment and condition: how many candidates (people, or accounts for account segments) pass that one
-- condition, next to the segment's members, marketable members and accounts covered, so a marketer sees which
-- condition narrows the audience.
with

membership as (
    select * from {{ ref('segment_membership') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

condition_counts as (
    {% for segment_name, definition in segment_definitions().items() -%}
        {% for condition in definition.conditions -%}
            select
                '{{ segment_name }}' as segment_name,
                {{ loop.index }} as condition_order,
                '{{ condition.name }}' as condition_name,
                count(*) as candidates,
                sum(case when {{ condition.passes }} then 1 else 0 end) as candidates_passing
            from {{ ref(definition.source) }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

members as (
    select
        membership.segment_name,
        count(distinct membership.person_id) as members,
        count(distinct case when membership.is_marketable then membership.person_id end) as marketable_members,
        count(distinct bridge.account_id) as accounts_covered
    from membership
    left join bridge on membership.person_id = bridge.person_id
    group by membership.segment_name
),

final as (
    select
        condition_counts.segment_name,
        cast(condition_counts.condition_order as {{ dbt.type_bigint() }}) as condition_order,
        condition_counts.condition_name,
        cast(condition_counts.candidates as {{ dbt.type_bigint() }}) as candidates,
        cast(condition_counts.candidates_passing as {{ dbt.type_bigint() }}) as candidates_passing,
        cast(coalesce(members.members, 0) as {{ dbt.type_bigint() }}) as members,
        cast(coalesce(members.marketable_members, 0) as {{ dbt.type_bigint() }}) as marketable_members,
        cast(coalesce(members.accounts_covered, 0) as {{ dbt.type_bigint() }}) as accounts_covered
    from condition_counts
    left join members on condition_counts.segment_name = members.segment_name
)

select * from final
