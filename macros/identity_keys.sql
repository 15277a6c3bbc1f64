{# Keys that identify source records and unified entities across the project (see DECISIONLOG.md). #}

{# A source person record: '<source_system>:<source_object>:<source_id>'. Arguments are SQL expressions. #}
{% macro person_record_key(source_system, source_object, source_id) -%}
    {{ dbt.concat([source_system, "':'", source_object, "':'", source_id]) }}
{%- endmacro %}

{# A source account: '<source_system>:<source_account_id>'. #}
{% macro account_record_key(source_system, source_account_id) -%}
    {{ dbt.concat([source_system, "':'", source_account_id]) }}
{%- endmacro %}
