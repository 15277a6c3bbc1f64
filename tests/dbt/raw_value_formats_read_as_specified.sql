-- Staging reads raw text (macro parse_raw_text) exactly as cdp/warehouse/raw_formats.py specifies, on the engine
-- this runs on: every example of macro raw_value_format_cases reads as its expected value, as null when it is
-- empty, and as null when it is unreadable (which staging reports). The loader is tested on the same examples
-- (tests/test_raw_formats.py). Returns the examples that read otherwise.
{%- set cases = cdp.raw_value_format_cases() %}

with

examples as (
    {%- for logical_type, text, expected, unreadable in cases %}
        {%- set parsed = cdp.parse_raw_text(cdp.string_literal(text), logical_type) %}
        {%- set sql_type = cdp.cdp_type(logical_type) %}
    select
        {{ cdp.string_literal(logical_type) }} as logical_type,
        {{ cdp.string_literal(text) }} as raw_text,
        {{ cdp.string_literal(expected) if expected is not none else 'null' }} as expected_value,
        cast({{ parsed }} as {{ dbt.type_string() }}) as parsed_value,
        {%- if expected is none %}
            coalesce(({{ parsed }}) is null, false) as is_as_specified
        {%- else %}
            coalesce(({{ parsed }}) = cast({{ cdp.string_literal(expected) }} as {{ sql_type }}), false) as is_as_specified
        {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select * from examples
    where not is_as_specified
)

select * from final
