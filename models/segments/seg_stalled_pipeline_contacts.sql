{{ cdp.segment(
    description="Stalled pipeline (people): everyone related to an account assigned to seg_accounts_stalled_pipeline,
        for a re-engagement sequence.",
    owner='Sales operations',
    grain='person',
    conditions={
        'at_a_stalled_account': 'related to an account assigned to seg_accounts_stalled_pipeline',
    },
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

stalled_accounts as (
    select * from {{ ref('seg_accounts_stalled_pipeline') }}
    where assignment in ('member', 'holdout')
),

stalled_persons as (
    select
        bridge.person_id,
        count(distinct stalled_accounts.account_id) as stalled_account_count
    from bridge
    inner join stalled_accounts on bridge.account_id = stalled_accounts.account_id
    group by bridge.person_id
),

final as (
    select
        persons.person_id,
        stalled_persons.person_id is not null as at_a_stalled_account,
        coalesce(stalled_persons.stalled_account_count, 0) as stalled_account_count
    from persons
    left join stalled_persons on persons.person_id = stalled_persons.person_id
)

select * from final
