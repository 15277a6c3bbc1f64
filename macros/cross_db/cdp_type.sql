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
