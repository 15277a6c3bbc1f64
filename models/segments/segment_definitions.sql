-- Every segment condition as it is evaluated (macro segment_definitions), one row per segment and condition, with
-- the rendered SQL: scripts/explain.py runs these same expressions for one person.
with

definitions as (
    {% for segment_name, definition in segment_definitions().items() -%}
        {% for condition in definition.conditions -%}
            select
                '{{ segment_name }}' as segment_name,
                {{ loop.index }} as condition_order,
                '{{ condition.name }}' as condition_name,
                '{{ dbt.escape_single_quotes(condition.description) }}' as description,
                '{{ definition.source }}' as source_model,
                '{{ ref(definition.source).schema }}.{{ ref(definition.source).identifier }}' as source_relation,
                '{{ definition.key }}' as key_column,
                '{{ dbt.escape_single_quotes(condition.value) }}' as value_sql,
                '{{ dbt.escape_single_quotes(condition.passes) }}' as passes_sql
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
