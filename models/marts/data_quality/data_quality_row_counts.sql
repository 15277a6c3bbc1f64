-- Row accounting per raw table: every raw row is staged, quarantined or dropped (deleted in the source, or an
-- earlier version under history mode). raw_rows = staged_rows + quarantined_rows + dropped_deleted_rows
-- + dropped_history_rows is tested; staged_rows is counted in the staging model and quarantined_rows in
-- data_quality_issues, so a row lost (or invented) anywhere on the way shows up.
with

issues as (
    select * from {{ ref('data_quality_issues') }}
),

quarantined as (
    select
        source_system,
        table_name,
        count(*) as quarantined_rows
    from issues
    where disposition = 'quarantined'
    group by source_system, table_name
),

per_table as (
    {% for raw in raw_tables() -%}
        select
            '{{ raw.source }}' as source_system,
            '{{ raw.table }}' as table_name,
            base_counts.raw_rows,
            staged_counts.staged_rows,
            base_counts.dropped_deleted_rows,
            base_counts.dropped_history_rows
        from (
            select
                count(*) as raw_rows,
                sum(case when _dq_reason = 'deleted' then 1 else 0 end) as dropped_deleted_rows,
                sum(case when _dq_reason = 'history_version' then 1 else 0 end) as dropped_history_rows
            from {{ ref(raw.base) }}
        ) as base_counts
        cross join (select count(*) as staged_rows from {{ ref(raw.staging) }}) as staged_counts -- noqa: ST05
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
),

final as (
    select
        per_table.source_system,
        per_table.table_name,
        cast(per_table.raw_rows as {{ dbt.type_bigint() }}) as raw_rows,
        cast(per_table.staged_rows as {{ dbt.type_bigint() }}) as staged_rows,
        cast(coalesce(quarantined.quarantined_rows, 0) as {{ dbt.type_bigint() }}) as quarantined_rows,
        cast(coalesce(per_table.dropped_deleted_rows, 0) as {{ dbt.type_bigint() }}) as dropped_deleted_rows,
        cast(coalesce(per_table.dropped_history_rows, 0) as {{ dbt.type_bigint() }}) as dropped_history_rows
    from per_table
    left join quarantined
        on per_table.source_system = quarantined.source_system
        and per_table.table_name = quarantined.table_name
)

select * from final
