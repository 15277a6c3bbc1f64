-- One row per source account with its unified account_id. Source accounts that the MDM crosswalk maps (active rows)
-- to one golden account are one unified account; the others stay accounts of their own. When active crosswalk rows
-- map one source account to several golden accounts, the most recently updated row wins (then the smallest
-- golden_account_id), so a source account always lands in exactly one unified account.
with

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

active_mappings as (
    select * from {{ ref('int_account_mappings_ranked') }}
),

final as (
    select
        account_records.account_record_key,
        account_records.source_system,
        account_records.source_account_id,
        active_mappings.golden_account_id,
        case
            when active_mappings.golden_account_id is not null
                then {{ dbt.hash(dbt.concat(["'mdm:'", 'active_mappings.golden_account_id'])) }}
            else {{ dbt.hash('account_records.account_record_key') }}
        end as account_id
    from account_records
    left join active_mappings
        on account_records.source_system = active_mappings.source_system
        and account_records.source_account_id = active_mappings.source_account_id
        and active_mappings.mapping_rank = 1
)

select * from final
