{#
    Generic test (suppression): no person_id in the column is on the global suppression list
    (int_persons_suppressed). A suppressed person is a failing row. Put it on every model activation sends from,
    beside only_marketable_persons.
#}
{% test only_unsuppressed_persons(model, column_name) %}
    select
        sent.{{ column_name }} as person_id,
        suppressed.suppression
    from {{ model }} as sent
    inner join {{ ref('int_persons_suppressed') }} as suppressed
        on sent.{{ column_name }} = suppressed.person_id
{% endtest %}
