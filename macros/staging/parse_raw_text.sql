{#
    parse_raw_text(column, logical_type): the text expression `column` read as a logical contract type (string,
    boolean, integer, float, date, timestamp); null when it is empty or cannot be read. Staging reads a raw column
    with it when the warehouse holds it as text but the contract says otherwise (a lenient load, a CSV dump).

    What is readable is defined once, in cdp/warehouse/raw_formats.py, and reaches dbt through macro raw_value_formats; the
    loader reads files with the same formats (see that module for the rules: trimmed, empty is null, an offset is
    converted to UTC, a date-time in a date column only at midnight). The dbt test
    raw_value_formats_read_as_specified checks this macro on the engine against the examples the loader is tested on.
#}
{% macro parse_raw_text(column, logical_type) -%}
    {%- set formats = cdp.raw_value_formats() -%}
    {%- set text = "nullif(trim(" ~ column ~ "), '')" -%}
    {%- set number = cdp.try_cast(text, 'double') -%}
    {%- if logical_type == 'string' -%}
        {{ column }}
    {%- elif logical_type == 'boolean' -%}
        case
            when lower({{ text }}) in ({{ cdp.sql_word_list(formats.true_words) }}) then true
            when lower({{ text }}) in ({{ cdp.sql_word_list(formats.false_words) }}) then false
        end
    {%- elif logical_type == 'integer' -%}
        case
            when {{ cdp.regexp_like(text, cdp.string_literal(formats.integer_pattern)) }}
                then {{ cdp.try_cast(text, dbt.type_bigint()) }}
            when {{ cdp.regexp_like(text, cdp.string_literal(formats.number_pattern)) }}
                and {{ number }} = floor({{ number }}) and abs({{ number }}) < {{ formats.max_bigint }}
                then cast({{ number }} as {{ dbt.type_bigint() }})
        end
    {%- elif logical_type == 'float' -%}
        case
            when {{ cdp.regexp_like(text, cdp.string_literal(formats.number_pattern)) }}
                and abs({{ number }}) <= {{ formats.max_double }}
                then {{ number }}
        end
    {%- elif logical_type == 'date' -%}
        case
            when {{ cdp.regexp_like(text, cdp.string_literal(formats.date_pattern)) }}
                then {{ cdp.try_cast('substr(' ~ text ~ ', 1, 10)', 'date') }}
        end
    {%- elif logical_type == 'timestamp' -%}
        {%- set groups = {} -%}
        {%- for name, index in formats.timestamp_groups.items() -%}
            {%- do groups.update({name: "nullif(regexp_extract(" ~ text ~ ", " ~ cdp.string_literal(formats.timestamp_pattern) ~ ", "
                ~ index ~ "), '')"}) -%}
        {%- endfor -%}
        {%- set local_time -%}
            {{ groups.date }} || ' ' || coalesce({{ groups.hours }}, '00') || ':' || coalesce({{ groups.minutes }}, '00')
            || ':' || coalesce({{ groups.seconds }}, '00') || '.'
            || substr(coalesce({{ groups.fraction }}, '') || '000000', 1, 6)
        {%- endset -%}
        {%- set offset_minutes -%}
            (case when {{ groups.sign }} = '-' then -1 else 1 end)
            * (cast(coalesce({{ groups.offset_hours }}, '0') as int) * 60
                + cast(coalesce({{ groups.offset_minutes }}, '0') as int))
        {%- endset -%}
        case
            when {{ cdp.regexp_like(text, cdp.string_literal(formats.timestamp_pattern)) }}
                then {{ cdp.add_minutes(cdp.try_cast(local_time, dbt.type_timestamp()), '-(' ~ offset_minutes ~ ')') }}
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown contract type '" ~ logical_type ~ "'") }}
    {%- endif -%}
{%- endmacro %}


{# A list of words as SQL string literals, for `in (...)`. #}
{% macro sql_word_list(words) -%}
    {%- for word in words -%}{{ cdp.string_literal(word) }}{{ ', ' if not loop.last }}{%- endfor -%}
{%- endmacro %}
