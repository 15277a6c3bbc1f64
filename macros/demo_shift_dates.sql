{#
    Post-hook of the demo seeds: the demo CSVs are dated around var('demo_anchor_date'); this moves every date and
    timestamp column of the loaded seed forward by the days between that anchor and today, so "p2 visited the
    product page twelve days ago" stays true whenever the demo is loaded. var('demo_today') (a date) pins "today",
    so that builds on two engines around midnight shift alike.
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
    {%- set today = 'cast(' ~ cdp.string_literal(var('demo_today')) ~ ' as date)' if var('demo_today', none)
        else dbt.current_timestamp() -%}
    {%- set anchor = 'cast(' ~ cdp.string_literal(var('demo_anchor_date')) ~ ' as date)' -%}
    {%- set shift_days = dbt.datediff(anchor, today, 'day') -%}
    {{ return(adapter.dispatch('demo_shift_dates', 'cdp')(this, date_columns, shift_days)) }}
{%- endmacro %}

{% macro default__demo_shift_dates(relation, date_columns, shift_days) -%}
    update {{ relation }} set
    {%- for column in date_columns %}
        {{ adapter.quote(column) }} = {{ dbt.dateadd('day', shift_days, adapter.quote(column)) }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{# Spark tables without Delta cannot be updated: write the shifted rows to a new table and swap it in. #}
{% macro spark__demo_shift_dates(relation, date_columns, shift_days) -%}
    {%- set shifted = relation.incorporate(path={'identifier': relation.identifier ~ '__shifted'}) -%}
    {%- set select_list = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- if column.name not in date_columns -%}
            {%- do select_list.append(quoted) -%}
        {%- elif column.dtype | lower == 'date' -%}
            {%- do select_list.append('date_add(' ~ quoted ~ ', cast(' ~ shift_days ~ ' as int)) as ' ~ quoted) -%}
        {%- else -%}
            {%- do select_list.append('timestampadd(day, ' ~ shift_days ~ ', ' ~ quoted ~ ') as ' ~ quoted) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists ' ~ shifted) -%}
    {%- do run_query('create table ' ~ shifted ~ ' using parquet as select ' ~ select_list | join(', ')
        ~ ' from ' ~ relation) -%}
    {%- do run_query('drop table ' ~ relation) -%}
    {%- do run_query('alter table ' ~ shifted ~ ' rename to ' ~ relation) -%}
    {{ return('') }}
{%- endmacro %}
