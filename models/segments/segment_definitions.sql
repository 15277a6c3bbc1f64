-- Every segment condition as it is evaluated (macro segment_definitions), one row per segment and condition, with
-- the rendered SQL: scripts/explain.py runs these same expressions for one person.
with

definitions as (
    {% for segment_name, definition in segment_definitions().items() -%}
        {% for condition in definition.conditions -%}
            {% set source_relation = ref(definition.source) -%}
            select
                {{ cdp.string_literal(segment_name) }} as segment_name,
                {{ loop.index }} as condition_order,
                {{ cdp.string_literal(condition.name) }} as condition_name,
                {{ cdp.string_literal(condition.description) }} as description,
                {{ cdp.string_literal(definition.source) }} as source_model,
                {{ cdp.string_literal(source_relation.schema ~ '.' ~ source_relation.identifier) }} as source_relation,
                {{ cdp.string_literal(definition.key) }} as key_column,
                {{ cdp.string_literal(condition.value) }} as value_sql,
                {{ cdp.string_literal(condition.passes) }} as passes_sql
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

final as (
    select
        segment_name,
        cast(condition_order as {{ dbt.type_bigint() }}) as condition_order,
        condition_name,
        description,
        source_model,
        source_relation,
        key_column,
        value_sql,
        passes_sql
    from definitions
)

select * from final
