-- One row per deal. A Marketo opportunity whose external_opportunity_id is a Salesforce opportunity id is the same
-- deal synced into Marketo: the Salesforce record (the system of record for deals) is kept, the copy is dropped.
with

salesforce_opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

marketo_opportunities as (
    select * from {{ ref('stg_marketo__opportunities') }}
),

accounts as (
    select * from {{ ref('int_accounts_resolved') }}
),

unioned as (
    select
        'salesforce' as source_system,
        opportunity_id as source_opportunity_id,
        account_id as source_account_id,
        opportunity_name,
        stage,
        amount,
        coalesce(currency_iso_code, 'USD') as currency_iso_code,
        is_won,
        is_closed,
        close_date,
        updated_at
    from salesforce_opportunities

    union all

    select
        'marketo' as source_system,
        marketo_opportunities.opportunity_id as source_opportunity_id,
        marketo_opportunities.company_id as source_account_id,
        marketo_opportunities.opportunity_name,
        marketo_opportunities.stage,
        marketo_opportunities.amount,
        'USD' as currency_iso_code,
        marketo_opportunities.is_won,
        marketo_opportunities.is_closed,
        marketo_opportunities.close_date,
        marketo_opportunities.updated_at
    from marketo_opportunities
    left join salesforce_opportunities
        on marketo_opportunities.opportunity_id = salesforce_opportunities.opportunity_id
    where salesforce_opportunities.opportunity_id is null
),

final as (
    select
        {{ dbt.hash(dbt.concat(['unioned.source_system', "':'", 'unioned.source_opportunity_id'])) }}
            as opportunity_id,
        unioned.source_system,
        unioned.source_opportunity_id,
        accounts.account_id,
        unioned.source_account_id,
        unioned.opportunity_name,
        unioned.stage,
        unioned.amount,
        unioned.currency_iso_code,
        -- Amounts are taken as USD until currency conversion arrives (see DECISIONLOG.md).
        unioned.amount as amount_usd,
        unioned.is_won,
        unioned.is_closed,
        unioned.close_date,
        unioned.updated_at
    from unioned
    left join accounts
        on unioned.source_system = accounts.source_system
        and unioned.source_account_id = accounts.source_account_id
)

select * from final
