-- People at an account whose closed-won business exceeds var('upsell_min_won_revenue_usd') (strictly) and who
-- visited a page matching var('new_product_page_pattern') (LIKE, case-insensitive) within the
-- var('upsell_visit_window_days') days up to var('as_of') (both ends included; later visits do not count).
-- One row per person; when several of their accounts qualify, the one with the most won revenue is reported.
with

persons as (
    select * from {{ ref('dim_persons') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

visits as (
    select * from {{ ref('fct_web_visits') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

qualifying_accounts as (
    select
        bridge.person_id,
        accounts.account_id,
        accounts.won_revenue_usd,
        row_number() over (
            partition by bridge.person_id
            order by accounts.won_revenue_usd desc, accounts.account_id asc
        ) as account_rank
    from bridge
    inner join accounts on bridge.account_id = accounts.account_id
    where accounts.won_revenue_usd > {{ number_var('upsell_min_won_revenue_usd') }}
),

qualifying_visits as (
    select
        visits.person_id,
        max(visits.visited_at) as last_qualifying_visit_at
    from visits
    cross join as_of
    where
        visits.person_id is not null
        and lower(visits.page_url) like lower({{ like_pattern_var('new_product_page_pattern') }})
        and visits.visited_at <= as_of.as_of_at
        and visits.visited_at >= {{ dbt.dateadd(
            'day', '-' ~ number_var('upsell_visit_window_days', minimum=0), 'as_of.as_of_at'
        ) }}
    group by visits.person_id
),

final as (
    select
        persons.person_id,
        persons.email,
        persons.is_marketable,
        qualifying_accounts.account_id,
        qualifying_accounts.won_revenue_usd,
        qualifying_visits.last_qualifying_visit_at
    from persons
    inner join qualifying_accounts
        on persons.person_id = qualifying_accounts.person_id
        and qualifying_accounts.account_rank = 1
    inner join qualifying_visits on persons.person_id = qualifying_visits.person_id
)

select * from final
