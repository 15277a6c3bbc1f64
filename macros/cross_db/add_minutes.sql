{# A timestamp plus a whole number of minutes (an SQL expression; negative goes back), to the microsecond.
   dbt.dateadd is not used: dbt-spark's variant for minutes goes through epoch seconds and drops the fraction. #}
{% macro add_minutes(timestamp_sql, minutes_sql) -%}
    {{ return(adapter.dispatch('add_minutes', 'cdp')(timestamp_sql, minutes_sql)) }}
{%- endmacro %}

{% macro default__add_minutes(timestamp_sql, minutes_sql) -%}
    timestampadd(minute, {{ minutes_sql }}, {{ timestamp_sql }})
{%- endmacro %}

{% macro duckdb__add_minutes(timestamp_sql, minutes_sql) -%}
    ({{ timestamp_sql }} + to_minutes(cast({{ minutes_sql }} as bigint)))
{%- endmacro %}
