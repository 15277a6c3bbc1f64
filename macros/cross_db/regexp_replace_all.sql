{# `expression` with every match of the regular expression `pattern_sql` (a SQL string expression, written without
   backslashes) replaced by `replacement_sql`. DuckDB replaces the first match unless given the 'g' option, which
   makes Spark return null: each engine gets its own spelling. #}
{% macro regexp_replace_all(expression, pattern_sql, replacement_sql) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'cdp')(expression, pattern_sql, replacement_sql)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern_sql, replacement_sql) -%}
    regexp_replace({{ expression }}, {{ pattern_sql }}, {{ replacement_sql }})
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern_sql, replacement_sql) -%}
    regexp_replace({{ expression }}, {{ pattern_sql }}, {{ replacement_sql }}, 'g')
{%- endmacro %}
