{#
    `text` (a var, a path, a name: anything not written in the project's SQL itself) as a quoted SQL string literal,
    the one way the project pastes such text into SQL. Engines disagree on escaping inside a literal:
      - DuckDB and standard SQL: a single quote is doubled, a backslash is an ordinary character;
      - Spark: a backslash escapes the next character, so a backslash is doubled and a quote written as \'
        (dbt-spark's own spark__escape_single_quotes does not double backslashes: C:\new would read as C:<newline>ew).
#}
{% macro string_literal(text) -%}
    {{ return(adapter.dispatch('string_literal', 'cdp')(text | string)) }}
{%- endmacro %}

{% macro default__string_literal(text) -%}
    {{ return("'" ~ (text | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro spark__string_literal(text) -%}
    {{ return("'" ~ (text | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}
