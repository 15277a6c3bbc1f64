{# Maps a logical contract type (string, boolean, integer, float, date, timestamp) to the adapter's SQL type. #}
{% macro cdp_type(logical_type) -%}
    {%- set types = {
        'string': dbt.type_string(),
        'boolean': dbt.type_boolean(),
        'integer': dbt.type_bigint(),
        'float': 'double',
        'date': 'date',
        'timestamp': dbt.type_timestamp()
    } -%}
    {%- if logical_type not in types -%}
        {{ exceptions.raise_compiler_error("Unknown contract type '" ~ logical_type ~ "'") }}
    {%- endif -%}
    {{ types[logical_type] }}
{%- endmacro %}


{# Cast that yields null instead of failing when the value cannot be read as the type. #}
{% macro try_cast(expression, sql_type) -%}
    {{ return(adapter.dispatch('try_cast', 'cdp')(expression, sql_type)) }}
{%- endmacro %}

{# Engines without ANSI casting (Spark as dbt-spark configures it) already return null from a failed cast. #}
{% macro default__try_cast(expression, sql_type) -%}
    cast({{ expression }} as {{ sql_type }})
{%- endmacro %}

{% macro duckdb__try_cast(expression, sql_type) -%}
    try_cast({{ expression }} as {{ sql_type }})
{%- endmacro %}
