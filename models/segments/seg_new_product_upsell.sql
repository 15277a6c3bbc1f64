-- New-product upsell: people related to an account with more than var('upsell_min_won_revenue_usd') closed-won
-- who visited the new product page in the var('upsell_visit_window_days') days up to as_of. The conditions are
-- declared once, in macro segment_definitions. One row per person; the account reported is their account with
-- the most won revenue.
with

traits as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        email,
        is_marketable,
        top_account_id as account_id,
        max_account_won_revenue_usd as won_revenue_usd,
        last_new_product_page_visit_at as last_qualifying_visit_at
    from traits
    where {{ segment_where('seg_new_product_upsell') }}
)

select * from final
