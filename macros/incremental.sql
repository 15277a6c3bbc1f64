{#
    Incremental builds (README, "Incremental builds"; DECISIONLOG.md). An incremental model recomputes whole units
    and replaces them (macro incremental_strategy): a full build and any sequence of incremental runs give the same
    rows.
#}

{# True when this run of the model reads only what changed: an incremental run (pass the model's is_incremental(),
   which unit tests can override) on an engine that can replace rows. Otherwise (first build, --full-refresh, Spark's
   Parquet tables) the model computes every row. #}
{% macro is_incremental_run(model_is_incremental) -%}
    {{ return(model_is_incremental and cdp.incremental_replaces_rows()) }}
{%- endmacro %}


{# The time this dbt invocation started, as a timestamp literal: the same value in every model of one run. Incremental
   models stamp the rows they write with it (_added_at, _changed_at, _processed_at), which is how a later run finds
   what changed; as_of "now" is this time too (macro as_of_timestamp). #}
{% macro run_started_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{# var('incremental_lookback_hours') (default 24): how long before the newest loaded row (the high-water mark on
   _fivetran_synced) an incremental run still reads raw rows again, for rows a loader commits late. #}
{% macro incremental_lookback_hours() -%}
    {%- if var('incremental_lookback_hours', none) is none -%}
        {{ return('24') }}
    {%- endif -%}
    {{ return(number_var('incremental_lookback_hours', minimum=0) | float | int) }}
{%- endmacro %}


{#
    For a base model over a raw activity table: the time raw rows must have been loaded after (`_fivetran_synced`) to
    be read again by this incremental run (the newest `_fivetran_synced` the model holds, minus the look-back), as
    a SQL expression; none when the run is not incremental (every raw row is read). Pass the model's is_incremental().
#}
{% macro raw_high_water_mark(model_is_incremental) -%}
    {%- if not cdp.is_incremental_run(model_is_incremental) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set newest -%}
        (select coalesce(max(_fivetran_synced), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }})
    {%- endset -%}
    {{ return(dbt.dateadd('hour', -1 * (cdp.incremental_lookback_hours() | int), newest)) }}
{%- endmacro %}


{#
    The last statement of a base model over a raw activity table (`audited`: a CTE with one row per raw row read and
    its `_replace_key`): every column of it and two stamps per id (unit), start times of dbt runs:
      _added_at    the run that first held the id;
      _changed_at  the run that last changed its rows (a new id, or a new version of it). An incremental run reads
                   the ids again that have a row inside the look-back; an id whose raw rows are the ones the model
                   already held (raw tables only grow, so the same count means the same rows) keeps its stamps.
    int_lead_activities_aggregated reads the ids changed since its previous run, and adds up the ones added since then.
#}
{% macro select_with_unit_stamps(audited, model_is_incremental) -%}
    {%- if cdp.is_incremental_run(model_is_incremental) -%}
    select
        {{ audited }}.*,
        coalesce(held_units.added_at, {{ cdp.run_started_timestamp() }}) as _added_at,
        case
            when held_units.row_count = read_units.row_count then held_units.changed_at
            else {{ cdp.run_started_timestamp() }}
        end as _changed_at
    from {{ audited }}
    inner join (
        select
            _replace_key,
            count(*) as row_count
        from {{ audited }}
        group by _replace_key
    ) as read_units on {{ audited }}._replace_key = read_units._replace_key
    left join (
        select
            _replace_key,
            count(*) as row_count,
            min(_added_at) as added_at,
            max(_changed_at) as changed_at
        from {{ this }}
        where _replace_key in (select _replace_key from {{ audited }})
        group by _replace_key
    ) as held_units on {{ audited }}._replace_key = held_units._replace_key
    {%- else -%}
    select
        *,
        {{ cdp.run_started_timestamp() }} as _added_at,
        {{ cdp.run_started_timestamp() }} as _changed_at
    from {{ audited }}
    {%- endif -%}
{%- endmacro %}


{# The later of two timestamps, either of which may be null (engines disagree on greatest() with nulls). #}
{% macro later_of(first, second) -%}
    case
        when {{ first }} is null then {{ second }}
        when {{ second }} is null or {{ first }} >= {{ second }} then {{ first }}
        else {{ second }}
    end
{%- endmacro %}


{# For int_lead_activities_aggregated: what one activity (of table `activities`, with as_of_shift in scope) adds to a
   `days`-day window count when the table moves from the previous as_of to the current one: 1 if it counts at the
   current as_of, minus 1 if the previous run counted it (activities.counted_before) at the previous as_of. #}
{% macro window_count_difference(condition, activities, days) -%}
    case
        when {{ condition }}
            and {{ activities }}.occurred_at <= as_of_shift.current_at
            and {{ activities }}.occurred_at >= {{ dbt.dateadd('day', -days, 'as_of_shift.current_at') }}
            then 1
        else 0
    end
    - case
        when {{ condition }}
            and {{ activities }}.counted_before
            and {{ activities }}.occurred_at <= as_of_shift.previous_at
            and {{ activities }}.occurred_at >= {{ dbt.dateadd('day', -days, 'as_of_shift.previous_at') }}
            then 1
        else 0
    end
{%- endmacro %}
