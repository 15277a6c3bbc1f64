-- One row per unified person with the facts audiences are defined on, evaluated as of var('as_of') (events after
-- as_of do not count). Account facts are aggregated over ALL the person's accounts: the best account (most won
-- revenue) and de-duplicated totals (each account counted once, however many ways the person is related to it).
with

persons as (
    select * from {{ ref('dim_persons') }}
),

bridge as (
    select * from {{ ref('bridge_person_accounts') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

visits as (
    select * from {{ ref('fct_web_visits') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

person_accounts as (
    select
        bridge.person_id,
        accounts.account_id,
        accounts.won_revenue_usd,
        accounts.open_pipeline_usd,
        row_number() over (
            partition by bridge.person_id
            order by accounts.won_revenue_usd desc, accounts.account_id asc
        ) as revenue_rank
    from bridge
    inner join accounts on bridge.account_id = accounts.account_id
),

account_facts as (
    select
        person_id,
        count(*) as account_count,
        max(case when revenue_rank = 1 then account_id end) as top_account_id,
        max(won_revenue_usd) as max_account_won_revenue_usd,
        sum(won_revenue_usd) as total_account_won_revenue_usd,
        max(open_pipeline_usd) as max_account_open_pipeline_usd,
        sum(open_pipeline_usd) as total_account_open_pipeline_usd
    from person_accounts
    group by person_id
),

web_visits as (
    select
        visits.person_id,
        max(visits.visited_at) as last_web_visit_at,
        max(
            case
                when lower(visits.page_url) like lower({{ like_pattern_var('new_product_page_pattern') }})
                    then visits.visited_at
            end
        ) as last_new_product_page_visit_at,
        {{ activity_window_counts('visits.visited_at', 'as_of.as_of_at', prefix='web_visit_count') }}
    from visits
    cross join as_of
    where visits.person_id is not null and visits.visited_at <= as_of.as_of_at
    group by visits.person_id
),

final as (
    select
        persons.person_id,
        persons.email,
        persons.is_marketable,
        persons.company_name,
        cast(coalesce(account_facts.account_count, 0) as {{ dbt.type_bigint() }}) as account_count,
        account_facts.top_account_id,
        coalesce(account_facts.max_account_won_revenue_usd, 0) as max_account_won_revenue_usd,
        coalesce(account_facts.total_account_won_revenue_usd, 0) as total_account_won_revenue_usd,
        coalesce(account_facts.max_account_open_pipeline_usd, 0) as max_account_open_pipeline_usd,
        coalesce(account_facts.total_account_open_pipeline_usd, 0) as total_account_open_pipeline_usd,
        web_visits.last_web_visit_at,
        web_visits.last_new_product_page_visit_at,
        cast(coalesce(web_visits.web_visit_count_7d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_7d,
        cast(coalesce(web_visits.web_visit_count_30d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_30d,
        cast(coalesce(web_visits.web_visit_count_90d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_90d,
        as_of.as_of_at
    from persons
    cross join as_of
    left join account_facts on persons.person_id = account_facts.person_id
    left join web_visits on persons.person_id = web_visits.person_id
)

select * from final
