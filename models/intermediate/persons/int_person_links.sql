-- Evidence that two source person records are one person: one row per (record_key, linked_record_key, link_type).
-- Records claiming the same identity value (int_person_identity_claims) link to the first record (by key) with it:
-- a star, not a clique, so links grow with the number of records, not its square. Values claimed by more than
-- var('identity_max_records_per_value') records link nobody.
with

claims as (
    select * from {{ ref('int_person_identity_claims') }}
),

final as (
    select distinct
        record_key,
        anchor_record_key as linked_record_key,
        identity_type as link_type
    from claims
    where
        record_key <> anchor_record_key
        and records_with_value <= {{ number_var('identity_max_records_per_value', minimum=1) }}
)

select * from final
