{#
    Schemas are named exactly as configured (`staging`, `marts`, `raw_marketo`, ...), not prefixed with the
    target schema: analysts query `marts.dim_accounts`, loaders write `raw_marketo.lead`.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
