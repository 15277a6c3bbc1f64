{#
    How an incremental model replaces the rows an incremental run recomputed (README, "Incremental builds").
    Every incremental model in the project recomputes whole units (all raw rows of one activity id, one lead's
    activity summary) and names the unit in `unique_key`:
      - engines that can delete rows (DuckDB, Postgres, Snowflake, ...): 'delete+insert' deletes the rows of every
        unit the run recomputed and inserts the new ones; incremental runs read only the affected units;
      - Spark with Parquet tables (no Delta or Iceberg offline): only whole tables or partitions can be replaced
        ('insert_overwrite'), and the units are spread over every partition, so each run recomputes the whole table
        and overwrites it (incremental_replaces_rows() is false; the model's incremental branch is not used).
    With Delta or Iceberg tables, Spark can change rows: dispatch a row-level strategy there ('merge' on the rows of a
    unit: a unit never loses rows, see DECISIONLOG.md) and return true from incremental_replaces_rows().
#}
{% macro incremental_strategy() -%}
    {{ return(adapter.dispatch('incremental_strategy', 'cdp')()) }}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}


{# True when this engine's incremental strategy replaces individual rows, so an incremental run may read only the
   affected units. #}
{% macro incremental_replaces_rows() -%}
    {{ return(adapter.dispatch('incremental_replaces_rows', 'cdp')()) }}
{%- endmacro %}

{% macro default__incremental_replaces_rows() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__incremental_replaces_rows() -%}
    {{ return(false) }}
{%- endmacro %}
