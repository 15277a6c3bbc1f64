{#
    Generic test on an incremental base model: it holds one row per raw row of its table. Fails (one row with both
    counts) when the raw table has rows the incremental runs never read, because a loader committed them with a
    _fivetran_synced older than the look-back allows (var 'incremental_lookback_hours'), or when the raw table was
    replaced instead of appended to. Either way: rebuild with --full-refresh.
#}
{% test holds_every_raw_row(model, source_name, table_name) %}
    {%- set raw_relation = none -%}
    {%- if execute -%}
        {%- set contract = raw_contract(source_name, table_name) -%}
        {%- set raw_relation = adapter.get_relation(
            database=contract.database, schema=contract.schema, identifier=contract.identifier
        ) -%}
    {%- endif -%}
    with

    raw_rows as (
        {% if raw_relation is not none -%}
            select count(*) as row_count from {{ raw_relation }}
        {%- else -%}
            select 0 as row_count
        {%- endif %}
    ),

    model_rows as (
        select count(*) as row_count from {{ model }}
    )

    select
        raw_rows.row_count as raw_row_count,
        model_rows.row_count as model_row_count
    from raw_rows
    cross join model_rows
    where raw_rows.row_count <> model_rows.row_count
{% endtest %}
