{#
    An expression that stops the query with `message` when it is evaluated: put it in the branch of a CASE that must
    never be reached, so a model fails loudly instead of writing a wrong result.
#}
{% macro sql_error(message) -%}
    {{ return(adapter.dispatch('sql_error', 'cdp')(message)) }}
{%- endmacro %}

{% macro default__sql_error(message) -%}
    error({{ cdp.string_literal(message) }})
{%- endmacro %}

{% macro spark__sql_error(message) -%}
    raise_error({{ cdp.string_literal(message) }})
{%- endmacro %}
