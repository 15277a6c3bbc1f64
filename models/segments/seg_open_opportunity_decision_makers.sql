{{ cdp.segment(
    description="Open-deal decision makers: people who are Decision Maker on an open opportunity over
        var('decision_maker_min_open_opportunity_usd') (default 200,000), for executive events and ABM ads.",
    owner='Sales operations',
    grain='person',
    conditions={
        'decision_maker_on_large_open_opportunity':
            "Decision Maker on an open opportunity over var('decision_maker_min_open_opportunity_usd') USD",
    },
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        max_open_opportunity_usd_as_decision_maker > {{ number_var('decision_maker_min_open_opportunity_usd') }}
            as decision_maker_on_large_open_opportunity,
        max_open_opportunity_usd_as_decision_maker
    from persons
)

select * from final
