{#
    Unit-test fixtures of raw tables are typed through the raw data contract, never through the warehouse.

    dbt builds a fixture (`given: - input: source(...)`) with the columns and types of the relation it finds in the
    warehouse. A raw table is the user's: it may lack optional columns, be absent (an optional table) or carry
    hundreds of extra columns, so a fixture read from it would make the unit tests pass only on data shaped like the
    demo. For an input that is a raw table of the contract, the fixture has exactly the contract's columns, in their
    contract types (`cdp_type`), nulls where a row gives no value; a fixture row naming a column outside the
    contract is an error. Every other input (seeds, models: the project's own relations) is built as dbt builds it.

    This overrides dbt's global `get_fixture_sql` (a root-project macro takes precedence over dbt's own). The
    contract comes from macro raw_contract_columns: dbt compiles unit tests without the project's graph.
#}
{% macro get_fixture_sql(rows, column_name_to_data_types) -%}
    {%- set source_name = model.get('source_name') -%}
    {%- set contract = cdp.raw_contract_columns().get(source_name ~ '.' ~ model.name) if source_name else none -%}
    {%- if contract is none or column_name_to_data_types -%}
        {{ return(dbt.get_fixture_sql(rows, column_name_to_data_types)) }}
    {%- endif -%}
    {%- set types = {} -%}
    {%- for name, logical_type in contract -%}
        {%- do types.update({name: cdp.cdp_type(logical_type) | trim}) -%}
    {%- endfor -%}
    -- Fixture for {{ model.name }}, typed through the raw data contract
    {%- for row in (rows if rows | length > 0 else [none]) %}
        {%- set values = format_row(row, types) if row is not none else {} %}
    select
        {%- for name, sql_type in types.items() %}
        {{ values[name] if name in values else safe_cast('null', sql_type) }} as {{ adapter.quote(name) }}
        {{- ',' if not loop.last }}
        {%- endfor %}
        {%- if row is none %}
    limit 0
        {%- endif %}
        {%- if not loop.last %}
    union all
        {%- endif %}
    {%- endfor %}
{%- endmacro %}
