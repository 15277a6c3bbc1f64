-- Every unified account on the global suppression list (seed suppression_list): by its account_id, its golden id or
-- a source system's id ('account'), or by its domain ('email_domain'). One row per account, with the first matching
-- entry. Account segments assign them 'suppressed'; the people related to an account suppressed by id are
-- suppressed too (int_persons_suppressed).
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

identity_map as (
    select * from {{ ref('account_identity_map') }}
),

suppressions as (
    {{ cdp.suppression_entries_sql() }}
),

known_ids as (
    -- every id an account is known by: the unified id, the golden id, each source system's id
    select
        account_id,
        lower(account_id) as known_id
    from accounts
    union
    select
        account_id,
        lower(golden_account_id) as known_id
    from accounts
    where golden_account_id is not null
    union
    select
        account_id,
        lower(source_account_id) as known_id
    from identity_map
),

matches as (
    select
        known_ids.account_id,
        suppressions.suppression
    from known_ids
    inner join suppressions
        on suppressions.kind = 'account' and known_ids.known_id = suppressions.suppressed_value

    union all

    select
        accounts.account_id,
        suppressions.suppression
    from accounts
    inner join suppressions
        on suppressions.kind = 'email_domain' and suppressions.suppressed_value = lower(accounts.domain)
),

final as (
    select
        account_id,
        min(suppression) as suppression
    from matches
    group by account_id
)

select * from final
