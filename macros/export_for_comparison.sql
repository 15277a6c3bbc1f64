{#
    on-run-end: with --vars '{compare_export_dir: DIR}', writes every public model (access: public) to
    DIR/<model>/ as Parquet (except models with meta compare_across_engines: false, whose content is SQL text
    written for the engine), so that a build on one engine can be compared with a build on another
    (scripts/compare_engines.py). Spark's in-memory catalog is gone when dbt exits: this is how its results leave.
#}
{% macro export_public_models_for_comparison() -%}
    {%- set directory = var('compare_export_dir', none) -%}
    {%- if execute and directory -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.access == 'public' and node.config.enabled
            and node.config.meta.get('compare_across_engines', true) -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.alias
            ) -%}
            {%- do run_query(cdp.export_relation_to_parquet(relation, directory ~ '/' ~ node.name)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro export_relation_to_parquet(relation, path) -%}
    {{ return(adapter.dispatch('export_relation_to_parquet', 'cdp')(relation, path)) }}
{%- endmacro %}

{% macro default__export_relation_to_parquet(relation, path) -%}
    insert overwrite directory {{ cdp.string_literal(path) }} using parquet select * from {{ relation }}
{%- endmacro %}

{% macro duckdb__export_relation_to_parquet(relation, path) -%}
    copy (select * from {{ relation }})
    to {{ cdp.string_literal(path) }} (format parquet, per_thread_output true, overwrite true)
{%- endmacro %}
