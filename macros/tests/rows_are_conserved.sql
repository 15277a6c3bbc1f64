{#
    Generic test on data_quality_row_counts: every raw row is accounted for. Fails with the tables where
    raw_rows <> staged_rows + quarantined_rows + dropped_deleted_rows + dropped_history_rows.
#}
{% test rows_are_conserved(model) %}
    select *
    from {{ model }}
    where raw_rows <> staged_rows + quarantined_rows + dropped_deleted_rows + dropped_history_rows
{% endtest %}
