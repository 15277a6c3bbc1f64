{# Keys that identify source records and unified entities across the project (see DECISIONLOG.md). #}

{# A source person record: '<source_system>:<source_object>:<source_id>'. Arguments are SQL expressions. #}
{% macro person_record_key(source_system, source_object, source_id) -%}
    {{ dbt.concat([source_system, "':'", source_object, "':'", source_id]) }}
{%- endmacro %}

{# A source account: '<source_system>:<source_account_id>'. #}
{% macro account_record_key(source_system, source_account_id) -%}
    {{ dbt.concat([source_system, "':'", source_account_id]) }}
{%- endmacro %}

{# An unordered pair of account records (a steward decision's identity): the two '<source_system>:<id>' keys in
   order, joined by '|', so (A, B) and (B, A) are the same pair. Empty parts read as ''. #}
{% macro account_match_pair_key(left_system, left_id, right_system, right_id) -%}
    {%- set left = dbt.concat(["coalesce(" ~ left_system ~ ", '')", "':'", "coalesce(" ~ left_id ~ ", '')"]) -%}
    {%- set right = dbt.concat(["coalesce(" ~ right_system ~ ", '')", "':'", "coalesce(" ~ right_id ~ ", '')"]) -%}
    {{ dbt.concat(["least(" ~ left ~ ", " ~ right ~ ")", "'|'", "greatest(" ~ left ~ ", " ~ right ~ ")"]) }}
{%- endmacro %}
