{# True when `expression` matches the regular expression `pattern_sql`, a SQL string expression such as "'^a+$'"
   (write patterns without backslashes: engines disagree on escaping them). #}
{% macro regexp_like(expression, pattern_sql) -%}
    {{ return(adapter.dispatch('regexp_like', 'cdp')(expression, pattern_sql)) }}
{%- endmacro %}

{% macro default__regexp_like(expression, pattern_sql) -%}
    ({{ expression }} rlike {{ pattern_sql }})
{%- endmacro %}

{% macro duckdb__regexp_like(expression, pattern_sql) -%}
    regexp_matches({{ expression }}, {{ pattern_sql }})
{%- endmacro %}
