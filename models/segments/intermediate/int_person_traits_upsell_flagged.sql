-- Candidates of the segment of segments seg_upsell_decision_makers: every person's traits with whether they are
-- in seg_new_product_upsell, so the segment and scripts/explain.py read one relation. A view: a join of person_traits
-- with one segment, cheaper to read than to store a second copy of every person's traits.
{{ config(materialized='view') }}

with

traits as (
    select * from {{ ref('person_traits') }}
),

upsell as (
    select * from {{ ref('seg_new_product_upsell') }}
),

final as (
    select
        traits.*,
        upsell.person_id is not null as is_in_seg_new_product_upsell
    from traits
    left join upsell on traits.person_id = upsell.person_id
)

select * from final
