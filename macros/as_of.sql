{#
    The point in time segments are evaluated at: var('as_of') (a date or timestamp, e.g. '2026-11-28' or
    '2026-11-28T12:00:00'), or the time of the run when it is null or 'now': the time the dbt invocation started,
    the same instant in every model of the run (the incremental activity summaries and the traits read from them
    must agree on it). Later events do not count.
#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var('as_of', none) -%}
    {%- if as_of is none or (as_of | string | trim | lower) in ('', 'now', 'none') -%}
        {{ cdp.run_started_timestamp() }}
    {%- else -%}
        {%- set text = as_of | string | trim -%}
        {%- set match = modules.re.match(
            '^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$',
            text
        ) -%}
        {%- if not match -%}
            {{ exceptions.raise_compiler_error(
                "var 'as_of' must be a date (YYYY-MM-DD) or a timestamp (YYYY-MM-DDTHH:MM[:SS]), got '" ~ text ~ "'"
            ) }}
        {%- endif -%}
        cast({{ cdp.string_literal(text | replace("T", " ")) }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
