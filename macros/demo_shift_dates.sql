{#
    Post-hook of the demo seeds: the demo CSVs are dated around var('demo_anchor_date'); this moves every date and
    timestamp column of the loaded seed forward by the days between that anchor and today, so "p2 visited the
    product page twelve days ago" stays true whenever the demo is loaded.
#}
{% macro demo_shift_dates() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set date_columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(this) -%}
        {%- set data_type = column.dtype | lower -%}
        {%- if data_type.startswith('date') or data_type.startswith('timestamp') -%}
            {%- do date_columns.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if date_columns | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set shift_days = dbt.datediff("cast('" ~ var('demo_anchor_date') ~ "' as date)", dbt.current_timestamp(), 'day') -%}
    {{ return(adapter.dispatch('demo_shift_dates', 'cdp')(this, date_columns, shift_days)) }}
{%- endmacro %}

{% macro default__demo_shift_dates(relation, date_columns, shift_days) -%}
    update {{ relation }} set
    {%- for column in date_columns %}
        {{ adapter.quote(column) }} = {{ dbt.dateadd('day', shift_days, adapter.quote(column)) }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
