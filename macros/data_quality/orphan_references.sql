{#
    The rows of `child` (a CTE) whose `child_column` names a `parent` row that does not exist, as data quality
    issues: source_system, table_name, source_id (the child's `child_id`), reason and a detail that names the
    missing id ("<label> <id> does not exist: <consequence>"). Rows whose reference is empty are not orphans.
#}
{% macro orphan_references(
    source_system, table_name, child, child_id, child_column, parent, parent_column, reason, label, consequence
) -%}
    select
        '{{ source_system }}' as source_system,
        '{{ table_name }}' as table_name,
        {{ child }}.{{ child_id }} as source_id,
        '{{ reason }}' as reason,
        {{ dbt.concat([
            "'" ~ label ~ " '", child ~ '.' ~ child_column, "' does not exist: " ~ consequence ~ "'"
        ]) }} as detail
    from {{ child }}
    left join {{ parent }} on {{ child }}.{{ child_column }} = {{ parent }}.{{ parent_column }}
    where {{ child }}.{{ child_column }} is not null and {{ parent }}.{{ parent_column }} is null
{%- endmacro %}
