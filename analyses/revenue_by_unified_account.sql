-- Revenue by unified account against what each source system sees on its own: one row per account of dim_accounts.
-- Answers "which customers are bigger than any one system shows?" The Townsend story as a query: Marketo sees
-- $200k won on company 1, Salesforce $900k on its account, and the MDM crosswalk makes them one account with $1.1M,
-- over the upsell threshold (var upsell_min_won_revenue_usd) that neither system crosses alone.
-- Won revenue (USD) of the deals each system holds (fct_opportunities: a Marketo copy of a Salesforce deal counts
-- once, under Salesforce); the source accounts each system holds for the account (account_identity_map).
with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

account_map as (
    select * from {{ ref('account_identity_map') }}
),

won_by_system as (
    select
        account_id,
        sum(case when source_system = 'marketo' then amount_usd else 0 end) as marketo_won_revenue_usd,
        sum(case when source_system = 'salesforce' then amount_usd else 0 end) as salesforce_won_revenue_usd,
        sum(amount_usd) as won_revenue_usd
    from opportunities
    where is_won
    group by account_id
),

-- In order where the engine orders a listagg (Spark does not).
source_accounts as (
    select
        account_id,
        {{ dbt.listagg(
            dbt.concat(['source_system', "':'", 'source_account_id']),
            "', '",
            none if target.type == 'spark' else 'order by source_system, source_account_id'
        ) }} as source_accounts
    from account_map
    group by account_id
),

final as (
    select
        accounts.account_id,
        accounts.account_name,
        accounts.golden_account_id,
        source_accounts.source_accounts,
        coalesce(won_by_system.marketo_won_revenue_usd, 0) as marketo_won_revenue_usd,
        coalesce(won_by_system.salesforce_won_revenue_usd, 0) as salesforce_won_revenue_usd,
        greatest(
            coalesce(won_by_system.marketo_won_revenue_usd, 0),
            coalesce(won_by_system.salesforce_won_revenue_usd, 0)
        ) as largest_single_system_won_revenue_usd,
        coalesce(won_by_system.won_revenue_usd, 0) as unified_won_revenue_usd,
        coalesce(won_by_system.won_revenue_usd, 0) > {{ number_var('upsell_min_won_revenue_usd') }}
        and greatest(
            coalesce(won_by_system.marketo_won_revenue_usd, 0),
            coalesce(won_by_system.salesforce_won_revenue_usd, 0)
        ) <= {{ number_var('upsell_min_won_revenue_usd') }} as over_upsell_threshold_only_unified
    from accounts
    left join won_by_system on accounts.account_id = won_by_system.account_id
    left join source_accounts on accounts.account_id = source_accounts.account_id
)

select * from final
order by unified_won_revenue_usd desc, account_id asc
