{#
    Generic test: the combination of the given columns is unique (the grain of a model with a composite key).
    Fails with one row per duplicated combination and how often it occurs.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
