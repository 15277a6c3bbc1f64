-- Segment of segments: the members of seg_new_product_upsell who are Decision Makers on an open opportunity, the
-- people sales should call first. Conditions: macro segment_definitions. One row per person.
with

candidates as (
    select * from {{ ref('int_person_traits_upsell_flagged') }}
),

final as (
    select
        person_id,
        email,
        is_marketable,
        top_account_id as account_id,
        open_opportunity_decision_maker_count
    from candidates
    where {{ segment_where('seg_upsell_decision_makers') }}
)

select * from final
