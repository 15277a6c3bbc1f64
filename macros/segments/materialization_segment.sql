{#
    The materialization of a segment (declared with macro segment): from its one file, two tables.

      <name>__evaluated   the file's query: every candidate with the key, one boolean per condition and the evidence
                          (segment_summary counts the conditions on it, scripts/explain.py reads it for one person)
      <name>              the segment's table, under its contract: every candidate who passes every condition, with
                          their assignment (macro segment_members_sql): member, holdout, suppressed, excluded or
                          outranked, and why

    Both are replaced inside one transaction where the engine has them (DuckDB); the segment's table is built
    through the adapter's create_table_as, which checks the contract.
#}
{% materialization segment, default %}
    {%- set declaration = config.get('meta', {}).get('segment') -%}
    {%- if declaration is none -%}
        {{ exceptions.raise_compiler_error(
            "Model " ~ model.name ~ " is materialized as a segment but has no declaration: call segment(...) first"
        ) }}
    {%- endif -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set evaluated_relation = cdp.segment_evaluated_relation(target_relation) -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- for relation in [evaluated_relation, target_relation] %}
        {{ drop_relation_if_exists(load_cached_relation(relation)) }}
    {%- endfor %}

    {% call statement('evaluate') -%}
        {{ cdp.create_plain_table_as(evaluated_relation, sql) }}
    {%- endcall %}

    {% call statement('main') -%}
        {{ get_create_table_as_sql(False, target_relation, cdp.segment_members_sql(evaluated_relation, declaration)) }}
    {%- endcall %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do persist_docs(target_relation, model) %}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation, evaluated_relation]}) }}
{% endmaterialization %}


{# The relation holding a segment's evaluation (every candidate and its conditions), beside the segment's table. #}
{% macro segment_evaluated_relation(segment_relation) -%}
    {{ return(segment_relation.incorporate(path={'identifier': segment_relation.identifier ~ '__evaluated'},
                                          type='table')) }}
{%- endmacro %}


{# `create table ... as` without a contract (the evaluation's columns are the segment file's own). #}
{% macro create_plain_table_as(relation, sql) -%}
    {{ return(adapter.dispatch('create_plain_table_as', 'cdp')(relation, sql)) }}
{%- endmacro %}

{% macro default__create_plain_table_as(relation, sql) -%}
    create table {{ relation }} as {{ sql }}
{%- endmacro %}

{% macro spark__create_plain_table_as(relation, sql) -%}
    create table {{ relation }} using parquet as {{ sql }}
{%- endmacro %}
