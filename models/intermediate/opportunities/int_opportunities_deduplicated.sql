-- One row per deal. A Marketo opportunity whose external_opportunity_id is a Salesforce opportunity id is the same
-- deal synced into Marketo: the Salesforce record (the system of record for deals) is kept, the copy is dropped.
-- amount_usd converts with Salesforce's currency types (conversion_rate = units per 1 unit of the corporate
-- currency, var('corporate_currency'), USD by default); an amount whose currency has no active rate has a null
-- amount_usd (reported as missing_currency_rate), never a made-up one.
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

currency_types as (
    select * from {{ ref('stg_salesforce__currency_types') }}
),

-- Units of each currency per unit of the corporate currency; the corporate currency is 1 by definition.
rates as (
    select
        currency_iso_code,
        conversion_rate
    from currency_types
    where is_active and currency_iso_code <> {{ cdp.string_literal(corporate_currency()) }}

    union all

    select
        {{ cdp.string_literal(corporate_currency()) }} as currency_iso_code,
        cast(1 as {{ dbt.type_float() }}) as conversion_rate
),

unioned as (
    select
        'salesforce' as source_system,
        opportunity_id as source_opportunity_id,
        account_id as source_account_id,
        opportunity_name,
        stage,
        amount,
        coalesce(currency_iso_code, {{ cdp.string_literal(corporate_currency()) }}) as currency_iso_code,
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
        {{ cdp.string_literal(corporate_currency()) }} as currency_iso_code,
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
        case
            when unioned.currency_iso_code = 'USD' then unioned.amount
            else unioned.amount / deal_rates.conversion_rate * usd_rates.conversion_rate
        end as amount_usd,
        unioned.is_won,
        unioned.is_closed,
        unioned.close_date,
        unioned.updated_at
    from unioned
    left join accounts
        on unioned.source_system = accounts.source_system
        and unioned.source_account_id = accounts.source_account_id
    left join rates as deal_rates on unioned.currency_iso_code = deal_rates.currency_iso_code
    left join rates as usd_rates on usd_rates.currency_iso_code = 'USD'
)

select * from final
