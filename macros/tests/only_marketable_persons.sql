{#
    Generic test (consent): every person_id in the column is marketable in dim_persons. A person who is not
    marketable, or who is unknown to dim_persons, is a failing row. Put it on every model activation sends from.
#}
{% test only_marketable_persons(model, column_name) %}
    select
        sent.{{ column_name }} as person_id,
        persons.is_marketable
    from {{ model }} as sent
    left join {{ ref('dim_persons') }} as persons
        on sent.{{ column_name }} = persons.person_id
    where not coalesce(persons.is_marketable, false)
{% endtest %}
