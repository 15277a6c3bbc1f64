-- Every segment's declaration (macro segment, through the generated registry), one row per segment and condition:
-- what people read in the summary and what scripts/explain.py evaluates (the condition's column in
-- evaluated_relation, the segment's evaluation kept beside its table).
{%- set registry = cdp.segment_registry() %}

with

definitions as (
    {%- for segment_name, declaration in registry.items() %}
        {%- set segment_relation = ref(segment_name) %}
        {%- set evaluated = cdp.segment_evaluated_relation(segment_relation) %}
        {%- for condition_name, description in declaration.conditions.items() %}
            select
                {{ cdp.string_literal(segment_name) }} as segment_name,
                {{ loop.index }} as condition_order,
                {{ cdp.string_literal(condition_name) }} as condition_name,
                {{ cdp.string_literal(cdp.fill_vars(description)) }} as description,
                {{ cdp.string_literal(declaration.grain) }} as segment_grain,
                {{ cdp.string_literal(cdp.segment_key(declaration.grain)) }} as key_column,
                {{ cdp.string_literal(cdp.fill_vars(declaration.description)) }} as segment_description,
                {{ cdp.string_literal(declaration.owner) }} as owner,
                {{ cdp.string_literal(declaration.priority_group) if declaration.priority_group else 'null' }}
                    as priority_group,
                {{ declaration.priority if declaration.priority is not none else 'null' }} as priority,
                {{ cdp.string_literal(declaration.split.salt) if declaration.split else 'null' }} as split_salt,
                {{ cdp.string_literal(cdp.split_groups_text(declaration.split)) if declaration.split else 'null' }}
                    as split_groups,
                {{ cdp.string_literal(declaration.exclude | join(',')) if declaration.exclude else 'null' }}
                    as excluded_segments,
                {{ cdp.string_literal(segment_relation.schema ~ '.' ~ segment_relation.identifier) }}
                    as segment_relation,
                {{ cdp.string_literal(evaluated.schema ~ '.' ~ evaluated.identifier) }} as evaluated_relation
            {{ 'union all' if not loop.last }}
        {%- endfor %}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        segment_name,
        cast(condition_order as {{ dbt.type_bigint() }}) as condition_order,
        condition_name,
        description,
        segment_grain,
        key_column,
        segment_description,
        owner,
        cast(priority_group as {{ dbt.type_string() }}) as priority_group,
        cast(priority as {{ dbt.type_bigint() }}) as priority,
        cast(split_salt as {{ dbt.type_string() }}) as split_salt,
        cast(split_groups as {{ dbt.type_string() }}) as split_groups,
        cast(excluded_segments as {{ dbt.type_string() }}) as excluded_segments,
        segment_relation,
        evaluated_relation
    from definitions
)

select * from final
