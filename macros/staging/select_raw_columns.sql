{#
    The one place where the raw data contract (models/staging/<source>/_<source>__sources.yml) meets the warehouse.

    select_raw_columns(source_name, table_name, key=none, version_order=none) renders a `select` over the raw table
    with every contract column, cast to its contract type, one row per raw row:
      - a column present in the relation is read and cast; when the landing holds it as text but the contract says
        otherwise (a lenient load, a CSV dump), it is read with parse_raw_text (the formats the loader reads) and
        the names of the columns whose value could not be read are listed in `_unreadable_columns` (null when
        every value was read);
      - an optional column that is absent is read as a typed null; extra columns are ignored;
      - a required column that is absent stops the run with an error naming the table, the column and the var
        that points at the schema;
      - an optional table that is absent yields no rows (same columns); a required table that is absent is an error.
    With `key` (the row's id, a SQL expression) it adds `_version_key` (that expression) and `_version_rank`: 1 for
    the version of that id to keep,
    ranked by `version_order` (SQL order-by terms, most authoritative first), ties broken by every contract column
    so the choice is the same on every run.
    With `changed_since` (a timestamp SQL expression; needs `key`) it keeps only the ids that have a raw row loaded
    after it (`_fivetran_synced` later, or unknown), with every version of them, so that the ranks are those of a
    read of the whole table (rows without an id count as one id): what an incremental run of a base model reads.

    The demo seed of the same table (`demo_<source>__<table>`) is referenced only to order the DAG: when the demo
    is part of a run it is loaded before the staging model that reads it. The rows are read through source()
    (in a unit test, source() is the test's fixture and the ordering reference is left out).
#}
{% macro select_raw_columns(source_name, table_name, key=none, version_order=none, changed_since=none) -%}
    {%- if model.resource_type != 'unit_test' -%}
        {%- set _ = ref('demo_' ~ source_name ~ '__' ~ table_name) -%}
    {%- endif -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        select 1 as placeholder
    {%- else -%}
        {%- set tiebreak = [] -%}
        {%- if model.resource_type == 'unit_test' -%}
            {#- A unit test's fixture has exactly the contract's columns in their types (macro get_fixture_sql),
                and the source definitions are not available here: read it as it is. -#}
            {%- set raw_select = 'select *, cast(null as ' ~ dbt.type_string() ~ ') as _unreadable_columns from '
                ~ source_relation -%}
        {%- else -%}
            {%- set raw_select = raw_columns_select(source_name, table_name, source_relation, tiebreak) -%}
        {%- endif -%}
        {%- if key is none -%}
            {{ raw_select }}
        {%- else -%}
            {%- set rows_read -%}
                select * from ({{ raw_select }}) as raw_rows
                {%- if changed_since is not none %}
                where coalesce({{ key }}, '') in (
                    select coalesce({{ key }}, '') from ({{ raw_select }}) as loaded_rows
                    where loaded_rows._fivetran_synced is null or loaded_rows._fivetran_synced > {{ changed_since }}
                )
                {%- endif -%}
            {%- endset -%}
            {%- set repeated_keys -%}
                select coalesce({{ key }}, '') from ({{ rows_read }}) as keyed
                group by coalesce({{ key }}, '')
                having count(*) > 1
            {%- endset -%}
            {#- Most ids have one row: only the rows of repeated ids go through the window (partitioning every row
                of a large table costs more than finding the few repeated ids). The rows are read again in each
                branch rather than shared in a CTE: DuckDB materialises a CTE read twice, which is slower. -#}
            select
                read_rows.*,
                {{ key }} as _version_key,
                1 as _version_rank
            from ({{ rows_read }}) as read_rows
            where coalesce({{ key }}, '') not in ({{ repeated_keys }})

            union all

            select
                read_rows.*,
                {{ key }} as _version_key,
                row_number() over (
                    partition by {{ key }}
                    order by {{ (version_order ~ ', ') if version_order }}{{ (tiebreak + [key]) | join(', ') }}
                ) as _version_rank
            from ({{ rows_read }}) as read_rows
            where coalesce({{ key }}, '') in ({{ repeated_keys }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{# The typed select over one raw table (see select_raw_columns); appends tie-break order terms to `tiebreak`. #}
{% macro raw_columns_select(source_name, table_name, source_relation, tiebreak) -%}
    {%- set contract = raw_contract(source_name, table_name) -%}
    {%- set declared = [] -%}
    {%- for column in contract.columns -%}
        {%- do declared.append([column.name, column.data_type]) -%}
    {%- endfor -%}
    {%- if declared != cdp.raw_contract_columns().get(source_name ~ '.' ~ table_name) -%}
        {{ exceptions.raise_compiler_error(
            "macros/staging/raw_contract_columns.sql is out of date with the raw data contract of "
            ~ source_name ~ "." ~ table_name ~ " (" ~ contract.path ~ "): run `make raw-contract-macro`."
        ) }}
    {%- endif -%}
    {#- Looked up from the source definition, not from source(): in a unit test source() names the fixture. -#}
    {%- set relation = adapter.get_relation(
        database=contract.database, schema=contract.schema, identifier=contract.identifier
    ) -%}
    {%- set table_label = contract.schema ~ "." ~ contract.identifier -%}
    {%- if relation is none and not contract.optional -%}
        {{ exceptions.raise_compiler_error(
            "Raw table " ~ table_label ~ " does not exist. It is required by the raw data contract; "
            ~ "load it (scripts/load_raw.py) or point var '" ~ contract.schema_var ~ "' at the schema that holds it."
        ) }}
    {%- endif -%}
    {%- set present = {} -%}
    {%- if relation is not none -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.update({column.name | lower: column}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for column in contract.columns if column.required and relation is not none and column.name not in present -%}
        {{ exceptions.raise_compiler_error(
            "Raw table " ~ table_label ~ " is missing required column '" ~ column.name
            ~ "' (raw data contract in " ~ contract.path ~ "; schema from var '" ~ contract.schema_var ~ "')."
        ) }}
    {%- endfor -%}
    {%- set unreadable_checks = [] -%}
    select
    {%- for column in contract.columns %}
        {%- set sql_type = cdp_type(column.data_type) -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- if column.name not in present %}
        cast(null as {{ sql_type }}) as {{ column.name }},
        {%- elif column.data_type != 'string' and present[column.name].is_string() %}
        {{ cdp.parse_raw_text(quoted, column.data_type) }} as {{ column.name }},
            {%- do unreadable_checks.append(
                "case when trim(" ~ quoted ~ ") <> '' and (" ~ cdp.parse_raw_text(quoted, column.data_type)
                ~ ") is null then '" ~ column.name ~ "' end"
            ) -%}
        {%- else %}
        cast({{ quoted }} as {{ sql_type }}) as {{ column.name }},
        {%- endif -%}
        {%- do tiebreak.append(column.name ~ ' nulls last') -%}
    {%- endfor %}
    {%- if unreadable_checks %}
        nullif(concat_ws(',', {{ unreadable_checks | join(', ') }}), '') as _unreadable_columns
    {%- else %}
        cast(null as {{ dbt.type_string() }}) as _unreadable_columns
    {%- endif %}
    {% if relation is not none -%}
        from {{ source_relation }}
    {%- else -%}
        where 1 = 0
    {%- endif -%}
{%- endmacro %}


{# The contract of one raw table, read from its source definition: columns (name, data_type, required), optional. #}
{% macro raw_contract(source_name, table_name) -%}
    {%- set matches = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | list -%}
    {%- if matches | length != 1 -%}
        {{ exceptions.raise_compiler_error("No raw contract for " ~ source_name ~ "." ~ table_name) }}
    {%- endif -%}
    {%- set node = matches[0] -%}
    {%- set columns = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.get('meta') or {} -%}
        {%- do columns.append({
            'name': name,
            'data_type': column.get('data_type'),
            'required': meta.get('required', false)
        }) -%}
    {%- endfor -%}
    {%- set table_meta = node.get('meta') or {} -%}
    {%- set source_meta = node.get('source_meta') or {} -%}
    {{ return({
        'columns': columns,
        'optional': table_meta.get('optional', false),
        'schema_var': source_meta.get('schema_var', source_name ~ '_schema'),
        'path': node.original_file_path,
        'database': node.database,
        'schema': node.schema,
        'identifier': node.identifier
    }) }}
{%- endmacro %}
