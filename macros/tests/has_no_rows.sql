{#
    Generic test: the model is empty. On data_quality_issues with severity warn, a build on dirty data passes and
    says how many issues there are to look at.
#}
{% test has_no_rows(model) %}
    select * from {{ model }}
{% endtest %}
