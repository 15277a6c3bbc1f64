{{ cdp.segment(
    description="Target account list: people on the Marketo static list named var('target_account_list_name')
        (default 'Q3 Target Accounts'), for ads and direct mail.",
    owner='Marketing operations',
    grain='person',
    conditions={
        'on_target_account_list': "a member of the marketing list named var('target_account_list_name')",
    },
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

list_members as (
    select * from {{ ref('fct_marketing_list_members') }}
),

lists as (
    select * from {{ ref('dim_marketing_lists') }}
),

on_list as (
    select distinct list_members.person_id
    from list_members
    inner join lists on list_members.list_id = lists.list_id
    where lists.list_name = {{ string_var('target_account_list_name') }}
),

final as (
    select
        persons.person_id,
        on_list.person_id is not null as on_target_account_list,
        persons.marketing_list_count
    from persons
    left join on_list on persons.person_id = on_list.person_id
)

select * from final
