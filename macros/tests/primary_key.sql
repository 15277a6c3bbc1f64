{#
    Generic test: the column is a primary key, every value present and none repeated. It is `unique` and `not_null`
    in one read of the model, which matters on views over large tables (the fact views), where each test
    recomputes the view. Fails with one row per repeated or missing key and how often it occurs.
#}
{% test primary_key(model, column_name) %}
    select
        {{ column_name }} as key_value,
        count(*) as occurrences
    from {{ model }}
    group by {{ column_name }}
    having count(*) > 1 or {{ column_name }} is null
{% endtest %}
