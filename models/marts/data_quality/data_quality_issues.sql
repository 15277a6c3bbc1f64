-- Every data quality issue, one row per raw row (or identity value) and reason. disposition says what the
-- pipeline did: 'quarantined' rows were kept out of staging; 'kept' rows flowed on, with the consequence in detail.
with

audited_rows as (
    select * from {{ ref('int_row_issues_audited') }}
),

reference_issues as (
    select * from {{ ref('int_reference_issues_found') }}
),

unioned as (
    select * from audited_rows
    union all
    select * from reference_issues
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            'source_system', "'|'", 'table_name', "'|'", "coalesce(source_id, '')", "'|'",
            'cast(row_version as ' ~ dbt.type_string() ~ ')', "'|'", 'reason'
        ])) }} as issue_id,
        source_system,
        table_name,
        source_id,
        cast(row_version as {{ dbt.type_bigint() }}) as row_version,
        reason,
        disposition,
        detail
    from unioned
)

select * from final
