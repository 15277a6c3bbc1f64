-- Segment seg_target_account_list: its conditions are declared once, in macro segment_definitions.
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
        marketing_list_count
    from traits
    where {{ segment_where('seg_target_account_list') }}
)

select * from final
