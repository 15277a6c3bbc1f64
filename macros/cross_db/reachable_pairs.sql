{#
    The transitive closure of an undirected graph as CTEs, ending in a CTE `reachable (record_key, reached_key)`
    that pairs every node with every node it reaches (itself included), whatever the path length. The model must
    open its WITH as `with recursive`. Arguments name the node CTE and its key column, and the edge CTE (both
    directions present) and its from / to columns.
#}
{% macro reachable_pairs_ctes(nodes, node_key, edges, from_key, to_key) -%}
    {{ return(adapter.dispatch('reachable_pairs_ctes', 'cdp')(nodes, node_key, edges, from_key, to_key)) }}
{%- endmacro %}

{# Engines whose recursive `union` removes repeats (DuckDB, Postgres): cycles end the recursion, and the work is
   one row per reachable pair. #}
{% macro default__reachable_pairs_ctes(nodes, node_key, edges, from_key, to_key) -%}
    reachable (record_key, reached_key) as (
        select
            {{ node_key }} as record_key,
            {{ node_key }} as reached_key
        from {{ nodes }}

        union

        select
            reachable.record_key,
            {{ edges }}.{{ to_key }} as reached_key
        from reachable
        inner join {{ edges }} on reachable.reached_key = {{ edges }}.{{ from_key }}
    )
{%- endmacro %}

{# Spark 4 takes `union all` only in a recursion: walk simple paths (a path never revisits a node, so cycles end
   the recursion), then keep the distinct pairs. Identity graphs are stars around the first record of each shared
   value, so paths are few; a component dense with cycles would make many. #}
{% macro spark__reachable_pairs_ctes(nodes, node_key, edges, from_key, to_key) -%}
    reachable_paths (record_key, reached_key, path) as (
        select
            {{ node_key }} as record_key,
            {{ node_key }} as reached_key,
            array({{ node_key }}) as path
        from {{ nodes }}

        union all

        select
            reachable_paths.record_key,
            {{ edges }}.{{ to_key }} as reached_key,
            concat(reachable_paths.path, array({{ edges }}.{{ to_key }})) as path
        from reachable_paths
        inner join {{ edges }} on reachable_paths.reached_key = {{ edges }}.{{ from_key }}
        where not array_contains(reachable_paths.path, {{ edges }}.{{ to_key }})
    ),

    reachable as (
        select distinct
            record_key,
            reached_key
        from reachable_paths
    )
{%- endmacro %}
