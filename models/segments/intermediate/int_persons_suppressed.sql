-- Every person on the global suppression list (seed suppression_list): by their email, their email's domain, or an
-- account they are related to (its account_id, golden id or a source system's id). One row per person, with the
-- first matching entry. Segments assign them 'suppressed' (macro segment_members_sql) and activation never sends
-- them (test only_unsuppressed_persons).
with

persons as (
    select * from {{ ref('dim_persons') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

suppressed_accounts as (
    select * from {{ ref('int_accounts_suppressed') }}
),

suppressions as (
    {{ cdp.suppression_entries_sql() }}
),

matches as (
    select
        persons.person_id,
        suppressions.suppression
    from persons
    inner join suppressions
        on (suppressions.kind = 'email' and suppressions.suppressed_value = lower(persons.email))
        or (
            suppressions.kind = 'email_domain'
            and suppressions.suppressed_value = lower({{ dbt.split_part('persons.email', "'@'", 2) }})
        )

    union all

    select
        bridge.person_id,
        suppressed_accounts.suppression
    from bridge
    inner join suppressed_accounts on bridge.account_id = suppressed_accounts.account_id
    where suppressed_accounts.suppression like 'account %'
),

final as (
    select
        person_id,
        min(suppression) as suppression
    from matches
    group by person_id
)

select * from final
