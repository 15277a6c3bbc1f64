{# Business-constant vars, checked once where they are read: a wrong type stops the run with a one-line reason. #}

{% macro number_var(name, minimum=none) -%}
    {%- set value = var(name) -%}
    {%- set text = value | string | trim -%}
    {%- if value is boolean or not modules.re.match('^-?[0-9]+([.][0-9]+)?$', text) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number, got '" ~ text ~ "'") }}
    {%- endif -%}
    {%- if minimum is not none and (text | float) < minimum -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be at least " ~ minimum ~ ", got " ~ text) }}
    {%- endif -%}
    {{ return(text) }}
{%- endmacro %}

{# A text var as a quoted SQL LIKE pattern (string_literal). #}
{% macro like_pattern_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is none or value is not string or (value | trim) == '' -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a non-empty SQL LIKE pattern, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(cdp.string_literal(value)) }}
{%- endmacro %}

{# The corporate currency: what amounts without a currency are in and what conversion rates are relative to. #}
{% macro corporate_currency() -%}
    {%- set value = var('corporate_currency') | string | trim | upper -%}
    {%- if not modules.re.match('^[A-Z]{3}$', value) -%}
        {{ exceptions.raise_compiler_error("var 'corporate_currency' must be an ISO currency code such as USD, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# A text var as a quoted SQL string literal (string_literal). #}
{% macro string_var(name) -%}
    {%- set value = var(name) -%}
    {%- if value is none or value is not string or (value | trim) == '' -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a non-empty text, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ return(cdp.string_literal(value)) }}
{%- endmacro %}
