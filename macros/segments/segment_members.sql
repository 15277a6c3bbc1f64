{#
    segment_members_sql(evaluated_relation, declaration): the segment's table, from its evaluation. One row per
    candidate who passes every condition (coalesce(condition, false)), with the candidate's attributes and:

      split_group         the split's group (a hash of the salt, the segment and the key; null without a split)
      assignment          the first that applies:
                            suppressed  on the global suppression list (int_persons_suppressed,
                                        int_accounts_suppressed: seed suppression_list)
                            excluded    assigned to a segment this one excludes
                            outranked   assigned to a segment ranked above this one in its priority group
                            holdout     in the split's holdout group: kept, never activated
                            member      sent by activation
      assignment_reason   why, for people (null for members)

    "Assigned" means member or holdout. Every relation read here is referenced by macro segment at parse time.
#}
{% macro segment_members_sql(evaluated_relation, declaration) -%}
    {%- set segment_name = model.name -%}
    {%- set grain = declaration.grain -%}
    {%- set key = cdp.segment_key(grain) -%}
    {%- set ranked_above = cdp.segments_ranked_above(segment_name, declaration.priority_group, declaration.priority) -%}
with

evaluated as (
    select * from {{ evaluated_relation }}
),

qualified as (
    select distinct {{ key }}
    from evaluated
    where
        {%- for name in declaration.conditions %}
        coalesce({{ name }}, false){{ ' and' if not loop.last }}
        {%- endfor %}
),

{%- if grain == 'person' %}

candidates as (
    select
        traits.person_id,
        traits.email,
        traits.is_marketable,
        traits.top_account_id as account_id,
        traits.as_of_at
    from qualified
    inner join {{ ref('person_traits') }} as traits on qualified.person_id = traits.person_id
),

suppressed as (
    select * from {{ ref('int_persons_suppressed') }}
),

{%- else %}

candidates as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.domain,
        {{ cdp.as_of_timestamp() }} as as_of_at
    from qualified
    inner join {{ ref('dim_accounts') }} as accounts on qualified.account_id = accounts.account_id
),

suppressed as (
    select * from {{ ref('int_accounts_suppressed') }}
),

{%- endif %}

excluded as (
    {{ cdp.assigned_in_segments_sql(key, declaration.exclude, 'excluded_by') }}
),

outranked as (
    {{ cdp.assigned_in_segments_sql(key, ranked_above, 'outranked_by') }}
),

split as (
    select
        {{ key }},
        {%- if declaration.split is none %}
        cast(null as {{ dbt.type_string() }}) as split_group
        {%- else %}
        {%- set salt = declaration.split.salt ~ ':' ~ segment_name ~ ':' %}
        {%- set bucket = cdp.hex_bucket('digest') %}
        case
            {%- set upper = namespace(bound=0) %}
            {%- for group_name, percent in declaration.split.groups.items() %}
            {%- set upper.bound = upper.bound + percent %}
            when {{ bucket }} < {{ upper.bound }} then {{ cdp.string_literal(group_name) }}
            {%- endfor %}
        end as split_group
        {%- endif %}
    from (
        select
            {{ key }},
            {{ dbt.hash(cdp.string_literal(salt if declaration.split is not none else '') ~ ' || ' ~ key) }} as digest
        from candidates
    ) as hashed
),

final as (
    select
        {%- if grain == 'person' %}
        candidates.person_id,
        candidates.email,
        candidates.is_marketable,
        candidates.account_id,
        {%- else %}
        candidates.account_id,
        candidates.account_name,
        candidates.domain,
        {%- endif %}
        split.split_group,
        case
            when suppressed.{{ key }} is not null then 'suppressed'
            when excluded.{{ key }} is not null then 'excluded'
            when outranked.{{ key }} is not null then 'outranked'
            when split.split_group = 'holdout' then 'holdout'
            else 'member'
        end as assignment,
        case
            when suppressed.{{ key }} is not null then 'on the suppression list: ' || suppressed.suppression
            when excluded.{{ key }} is not null then 'assigned to ' || excluded.excluded_by || ', which it excludes'
            when outranked.{{ key }} is not null
                then 'assigned to ' || outranked.outranked_by || ', ranked above it in priority group '
                || {{ cdp.string_literal(declaration.priority_group or '') }}
            when split.split_group = 'holdout'
                then 'in the holdout group of split ' || {{ cdp.string_literal((declaration.split or {}).get('salt', '')) }}
        end as assignment_reason,
        candidates.as_of_at
    from candidates
    left join suppressed on candidates.{{ key }} = suppressed.{{ key }}
    left join excluded on candidates.{{ key }} = excluded.{{ key }}
    left join outranked on candidates.{{ key }} = outranked.{{ key }}
    left join split on candidates.{{ key }} = split.{{ key }}
)

select * from final
{%- endmacro %}



{# The candidates assigned (member or holdout) in any of `segment_names`, one row per key with the first of those
   segments by name as `column`; no rows when the list is empty. #}
{% macro assigned_in_segments_sql(key, segment_names, column) -%}
    select
        {{ key }},
        min(segment_name) as {{ column }}
    from (
        {%- for other in segment_names %}
        select
            {{ key }},
            {{ cdp.string_literal(other) }} as segment_name
        from {{ ref(other) }}
        where assignment in ('member', 'holdout')
        {{ 'union all' if not loop.last }}
        {%- else %}
        select
            cast(null as {{ dbt.type_string() }}) as {{ key }},
            cast(null as {{ dbt.type_string() }}) as segment_name
        where 1 = 0
        {%- endfor %}
    ) as assigned_elsewhere
    group by {{ key }}
{%- endmacro %}
