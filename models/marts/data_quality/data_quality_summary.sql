-- Issue counts per raw table, reason and disposition: where to look first.
with

issues as (
    select * from {{ ref('data_quality_issues') }}
),

final as (
    select
        source_system,
        table_name,
        reason,
        disposition,
        count(*) as issue_count
    from issues
    group by source_system, table_name, reason, disposition
)

select * from final
