{{ cdp.segment(
    description="Upsell decision makers: people assigned to seg_new_product_upsell who are Decision Maker on at least
        one open opportunity, the people sales should call first.",
    owner='Sales operations',
    grain='person',
    conditions={
        'in_new_product_upsell': 'assigned to seg_new_product_upsell',
        'decision_maker_on_open_opportunity': 'Decision Maker on at least one open opportunity',
    },
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

upsell as (
    select * from {{ ref('seg_new_product_upsell') }}
    where assignment in ('member', 'holdout')
),

final as (
    select
        persons.person_id,
        upsell.person_id is not null as in_new_product_upsell,
        persons.open_opportunity_decision_maker_count > 0 as decision_maker_on_open_opportunity,
        persons.open_opportunity_decision_maker_count
    from persons
    left join upsell on persons.person_id = upsell.person_id
)

select * from final
