-- One row per unified person with the facts audiences are defined on, evaluated as of var('as_of') (events after
-- as_of do not count). Account facts are aggregated over ALL the person's accounts: the best account (most won
-- revenue) and de-duplicated totals (each account counted once, however many ways the person is related to it).
-- Then activity (all types), opportunity roles, campaigns and marketing lists. Generic facts only: a segment's own
-- page, campaign or list is a condition in the segment (macro segment), not a trait.
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

-- Activity facts (web visits and every activity type) as of as_of, kept up to date incrementally per lead.
activity_facts as (
    select * from {{ ref('int_person_activities_aggregated') }}
),

opportunity_persons as (
    select * from {{ ref('fct_opportunity_persons') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

campaign_members as (
    select * from {{ ref('fct_campaign_members') }}
),

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

list_members as (
    select * from {{ ref('fct_marketing_list_members') }}
),

lists as (
    select * from {{ ref('dim_marketing_lists') }}
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

role_facts as (
    select
        opportunity_persons.person_id,
        count(distinct opportunity_persons.role) as opportunity_role_count,
        count(distinct case when not opportunities.is_closed then opportunities.opportunity_id end)
            as open_opportunity_count,
        count(
            distinct case
                when not opportunities.is_closed and lower(opportunity_persons.role) = 'decision maker'
                    then opportunities.opportunity_id
            end
        ) as open_opportunity_decision_maker_count,
        max(
            case
                when not opportunities.is_closed and lower(opportunity_persons.role) = 'decision maker'
                    then opportunities.amount_usd
            end
        ) as max_open_opportunity_usd_as_decision_maker
    from opportunity_persons
    inner join opportunities on opportunity_persons.opportunity_id = opportunities.opportunity_id
    group by opportunity_persons.person_id
),

campaign_facts as (
    select
        campaign_members.person_id,
        count(*) as campaign_count,
        sum(case when campaign_members.has_responded then 1 else 0 end) as responded_campaign_count
    from campaign_members
    inner join campaigns on campaign_members.campaign_id = campaigns.campaign_id
    group by campaign_members.person_id
),

list_facts as (
    select
        list_members.person_id,
        count(*) as marketing_list_count
    from list_members
    inner join lists on list_members.list_id = lists.list_id
    group by list_members.person_id
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
        activity_facts.last_web_visit_at,
        cast(coalesce(activity_facts.web_visit_count_7d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_7d,
        cast(coalesce(activity_facts.web_visit_count_30d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_30d,
        cast(coalesce(activity_facts.web_visit_count_90d, 0) as {{ dbt.type_bigint() }}) as web_visit_count_90d,
        activity_facts.last_activity_at,
        activity_facts.last_form_fill_at,
        activity_facts.last_email_open_at,
        activity_facts.last_email_click_at,
        cast(coalesce(activity_facts.activity_count_7d, 0) as {{ dbt.type_bigint() }}) as activity_count_7d,
        cast(coalesce(activity_facts.activity_count_30d, 0) as {{ dbt.type_bigint() }}) as activity_count_30d,
        cast(coalesce(activity_facts.activity_count_90d, 0) as {{ dbt.type_bigint() }}) as activity_count_90d,
        cast(coalesce(role_facts.opportunity_role_count, 0) as {{ dbt.type_bigint() }}) as opportunity_role_count,
        cast(coalesce(role_facts.open_opportunity_count, 0) as {{ dbt.type_bigint() }}) as open_opportunity_count,
        cast(coalesce(role_facts.open_opportunity_decision_maker_count, 0) as {{ dbt.type_bigint() }})
            as open_opportunity_decision_maker_count,
        role_facts.max_open_opportunity_usd_as_decision_maker,
        cast(coalesce(campaign_facts.campaign_count, 0) as {{ dbt.type_bigint() }}) as campaign_count,
        cast(coalesce(campaign_facts.responded_campaign_count, 0) as {{ dbt.type_bigint() }})
            as responded_campaign_count,
        cast(coalesce(list_facts.marketing_list_count, 0) as {{ dbt.type_bigint() }}) as marketing_list_count,
        as_of.as_of_at
    from persons
    cross join as_of
    left join account_facts on persons.person_id = account_facts.person_id
    left join activity_facts on persons.person_id = activity_facts.person_id
    left join role_facts on persons.person_id = role_facts.person_id
    left join campaign_facts on persons.person_id = campaign_facts.person_id
    left join list_facts on persons.person_id = list_facts.person_id
)

select * from final
