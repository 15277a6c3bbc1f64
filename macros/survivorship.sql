{#
    Survivorship (DECISIONLOG.md): a unified attribute takes the value of the most recently updated source record
    that has one. Rank the records of an entity with `row_number() over (partition by <entity> order by
    updated_at desc nulls last, <record key>)` and aggregate each attribute with

        {{ survivor('first_name', 'recency_rank') }}

    which is the value of the best-ranked record where the attribute is not null (null when no record has one).
#}
{% macro survivor(column, recency_rank) -%}
    {{ return(adapter.dispatch('survivor', 'cdp')(column, recency_rank)) }}
{%- endmacro %}

{% macro default__survivor(column, recency_rank) -%}
    min_by({{ column }}, case when {{ column }} is not null then {{ recency_rank }} end)
{%- endmacro %}
