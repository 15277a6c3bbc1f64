{# Counts of events in the 7, 30 and 90 days up to as_of (both ends included), as <prefix>_7d, _30d, _90d; with
   `condition` (SQL), only the events that meet it. The caller filters out events after as_of. #}
{% macro activity_window_counts(event_at, as_of_at, prefix='activity_count', condition=none) -%}
    {%- for days in [7, 30, 90] %}
    sum(
        case
            when {{ (condition ~ ' and ') if condition }}{{ event_at }} >= {{ dbt.dateadd('day', -days, as_of_at) }}
                then 1
            else 0
        end
    ) as {{ prefix }}_{{ days }}d{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
