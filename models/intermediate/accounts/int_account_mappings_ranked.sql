-- Active MDM crosswalk rows, ranked per source account. A source account that active rows map to several golden
-- accounts is a conflict: the most recently updated row wins (then the smallest golden_account_id); the others
-- are reported as mdm_conflict. Inactive rows are ignored.
with

crosswalk as (
    select * from {{ ref('stg_mdm__account_crosswalk') }}
),

ranked as (
    select
        source_system,
        source_account_id,
        golden_account_id,
        updated_at,
        row_number() over (
            partition by source_system, source_account_id
            order by updated_at desc nulls last, golden_account_id asc
        ) as mapping_rank,
        count(*) over (partition by source_system, source_account_id) as active_mapping_count
    from crosswalk
    where is_active
)

select * from ranked
