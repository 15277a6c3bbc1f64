-- Every segment's assigned persons in one table (one row per segment and person): members, which activation sends
-- (if marketable), and the split's holdout, which it never sends. Built from segment_qualifications, which also
-- keeps who qualified but was suppressed, excluded or outranked; every declared segment is in it (macro segment,
-- generated registry).
with

qualifications as (
    select * from {{ ref('segment_qualifications') }}
),

final as (
    select
        segment_name,
        person_id,
        email,
        is_marketable,
        assignment,
        split_group
    from qualifications
    where assignment in ('member', 'holdout')
)

select * from final
