{#
    Every candidate's value of every declared condition: one select per segment and condition, unioned, over each
    segment's evaluation (<segment>__evaluated, one boolean column per condition), the conditions and their order
    (segment_definitions.condition_order) from the generated registry. Columns: segment_name, segment_grain,
    key_value (the person_id or the account_id the segment evaluates), condition_order, condition_name,
    condition_holds (a null condition does not hold). For SQL asking which condition fails for whom
    (analyses/segment_exits_explained.sql); call it in a model's or an analysis's SQL, where ref() records the
    segments it reads.
#}
{% macro segment_condition_values() -%}
    {%- set registry = cdp.segment_registry() %}
    {%- for segment_name, declaration in registry.items() %}
        {%- set evaluated = cdp.segment_evaluated_relation(ref(segment_name)) %}
        {%- for condition_name in declaration.conditions %}
    select
        {{ cdp.string_literal(segment_name) }} as segment_name,
        {{ cdp.string_literal(declaration.grain) }} as segment_grain,
        {{ cdp.segment_key(declaration.grain) }} as key_value,
        {{ loop.index }} as condition_order,
        {{ cdp.string_literal(condition_name) }} as condition_name,
        coalesce({{ condition_name }}, false) as condition_holds
    from {{ evaluated }}
            {{ 'union all' if not loop.last }}
        {%- endfor %}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
{%- endmacro %}
