-- One row per unified account with the facts audiences are defined on, evaluated as of var('as_of'): revenue and
-- pipeline, people, and their activity (events after as_of do not count).
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

-- Each person's activity facts as of as_of (kept up to date incrementally per lead).
person_activities as (
    select * from {{ ref('int_person_activities_aggregated') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

open_opportunities as (
    select
        account_id,
        count(*) as open_opportunity_count,
        max(amount_usd) as largest_open_opportunity_usd
    from opportunities
    where not is_closed and account_id is not null
    group by account_id
),

people as (
    select
        bridge.account_id,
        count(*) as person_count,
        sum(case when persons.is_marketable then 1 else 0 end) as marketable_person_count
    from bridge
    inner join persons on bridge.person_id = persons.person_id
    group by bridge.account_id
),

-- The activities of the account's persons: each person's counts added up (a person is related to an account once).
activity as (
    select
        bridge.account_id,
        max(person_activities.last_activity_at) as last_activity_at,
        sum(person_activities.activity_count_7d) as activity_count_7d,
        sum(person_activities.activity_count_30d) as activity_count_30d,
        sum(person_activities.activity_count_90d) as activity_count_90d
    from bridge
    inner join person_activities on bridge.person_id = person_activities.person_id
    group by bridge.account_id
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.domain,
        accounts.industry,
        accounts.won_revenue_usd,
        accounts.open_pipeline_usd,
        cast(coalesce(open_opportunities.open_opportunity_count, 0) as {{ dbt.type_bigint() }})
            as open_opportunity_count,
        open_opportunities.largest_open_opportunity_usd,
        cast(coalesce(people.person_count, 0) as {{ dbt.type_bigint() }}) as person_count,
        cast(coalesce(people.marketable_person_count, 0) as {{ dbt.type_bigint() }}) as marketable_person_count,
        activity.last_activity_at,
        cast(
            {{ dbt.datediff('activity.last_activity_at', 'as_of.as_of_at', 'day') }} as {{ dbt.type_bigint() }} -- noqa: LT05
        ) as days_since_last_activity,
        cast(coalesce(activity.activity_count_7d, 0) as {{ dbt.type_bigint() }}) as activity_count_7d,
        cast(coalesce(activity.activity_count_30d, 0) as {{ dbt.type_bigint() }}) as activity_count_30d,
        cast(coalesce(activity.activity_count_90d, 0) as {{ dbt.type_bigint() }}) as activity_count_90d,
        as_of.as_of_at
    from accounts
    cross join as_of
    left join open_opportunities on accounts.account_id = open_opportunities.account_id
    left join people on accounts.account_id = people.account_id
    left join activity on accounts.account_id = activity.account_id
)

select * from final
