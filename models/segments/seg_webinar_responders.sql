-- Segment seg_webinar_responders: its conditions are declared once, in macro segment_definitions.
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
        webinar_response_count
    from traits
    where {{ segment_where('seg_webinar_responders') }}
)

select * from final
