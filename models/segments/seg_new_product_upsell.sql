{{ cdp.segment(
    description="New-product upsell: people related to an account whose closed-won revenue (USD) is over
        var('upsell_min_won_revenue_usd') (default 1,000,000) who visited a page like
        var('new_product_page_pattern') (case-insensitive) in the var('upsell_visit_window_days') days (default 30)
        up to as_of, both ends included.",
    owner='Marketing operations',
    grain='person',
    conditions={
        'account_won_revenue_over_threshold':
            "related to an account whose closed-won revenue (USD) is over var('upsell_min_won_revenue_usd')",
        'visited_new_product_page_recently':
            "visited a page like var('new_product_page_pattern') in the var('upsell_visit_window_days') days up to as_of",
    },
    activation=[
        {'format': 'marketo', 'list_name': 'CDP - New product upsell'},
        {'format': 'marketo-csv'},
        {'format': 'linkedin-csv'},
    ],
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

visits as (
    select * from {{ ref('fct_web_visits') }}
),

new_product_page_visits as (
    -- each person's latest visit of a new-product page up to as_of (the evidence; the window is the condition)
    select
        person_id,
        max(visited_at) as last_new_product_page_visit_at
    from visits
    where
        person_id is not null
        and lower(page_url) like lower({{ like_pattern_var('new_product_page_pattern') }})
        and visited_at <= {{ cdp.as_of_timestamp() }}
    group by person_id
),

final as (
    select
        persons.person_id,
        persons.max_account_won_revenue_usd > {{ number_var('upsell_min_won_revenue_usd') }}
            as account_won_revenue_over_threshold,
        coalesce(
            {{ cdp.in_window(
                'new_product_page_visits.last_new_product_page_visit_at',
                number_var('upsell_visit_window_days', minimum=0)
            ) }},
            false
        ) as visited_new_product_page_recently,
        persons.max_account_won_revenue_usd,
        new_product_page_visits.last_new_product_page_visit_at
    from persons
    left join new_product_page_visits on persons.person_id = new_product_page_visits.person_id
)

select * from final
