{#
    Seeds on Spark. dbt-spark's session connection formats seed values itself: a missing value becomes the string
    'None' (which would then link unrelated people through a shared "id") and quotes are not escaped. This renders
    every value as a SQL literal instead: null for a missing value, a quoted and escaped string otherwise, cast to
    the column's type as dbt-spark does.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for value in row -%}
                    cast({{ cdp.sql_literal(value) }} as {{ column_types[loop.index0] }}){{ ", " if not loop.last }}
                {%- endfor -%}){{ "," if not loop.last }}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{# A Python value as a SQL literal: null, or the value as a quoted string (string_literal). #}
{% macro sql_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        {{ cdp.string_literal(value) }}
    {%- endif -%}
{%- endmacro %}
