-- Segment seg_open_opportunity_decision_makers: its conditions are declared once, in macro segment_definitions.
-- One row per person.
with

traits as (
    select * from {{ ref('person_traits') }}
),

final as (
    select
        person_id,
        email,
        is_marketable,
        max_open_opportunity_usd_as_decision_maker
    from traits
    where {{ segment_where('seg_open_opportunity_decision_makers') }}
)

select * from final
