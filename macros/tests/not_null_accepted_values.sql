{#
    Generic test: every value of the column is present and one of `values`. It is `not_null` and `accepted_values`
    in one read of the model and one test node instead of two (each node costs dbt's own time, whatever the data).
    Fails with one row per missing or unexpected value and how often it occurs.
#}
{% test not_null_accepted_values(model, column_name, values) %}
    select
        {{ column_name }} as value_field,
        count(*) as occurrences
    from {{ model }}
    where
        {{ column_name }} is null
        or {{ column_name }} not in (
            {%- for value in values %}
                {{ cdp.string_literal(value) }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
    group by {{ column_name }}
{% endtest %}
