-- The people at the accounts of seg_accounts_stalled_pipeline: one row per person (the account with the most
-- open pipeline is reported when they are at several).
with

accounts as (
    select * from {{ ref('seg_accounts_stalled_pipeline') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

ranked as (
    select
        bridge.person_id,
        accounts.account_id,
        accounts.account_name,
        accounts.open_pipeline_usd,
        row_number() over (
            partition by bridge.person_id
            order by accounts.open_pipeline_usd desc, accounts.account_id asc
        ) as account_rank
    from bridge
    inner join accounts on bridge.account_id = accounts.account_id
),

final as (
    select
        persons.person_id,
        persons.email,
        persons.is_marketable,
        ranked.account_id,
        ranked.account_name,
        ranked.open_pipeline_usd
    from ranked
    inner join persons on ranked.person_id = persons.person_id
    where ranked.account_rank = 1
)

select * from final
