-- Pairwise overlap of segments: for every ordered pair of different segments, the members they share and what
-- share of the first segment's members that is.
with

membership as (
    select * from {{ ref('segment_membership') }}
),

sizes as (
    select
        segment_name,
        count(*) as members
    from membership
    group by segment_name
),

pairs as (
    select
        sizes_a.segment_name as segment_a,
        sizes_b.segment_name as segment_b,
        sizes_a.members as members_a,
        sizes_b.members as members_b
    from sizes as sizes_a
    cross join sizes as sizes_b
    where sizes_a.segment_name <> sizes_b.segment_name
),

shared as (
    select
        membership_a.segment_name as segment_a,
        membership_b.segment_name as segment_b,
        count(*) as shared_members
    from membership as membership_a
    inner join membership as membership_b
        on membership_a.person_id = membership_b.person_id
        and membership_a.segment_name <> membership_b.segment_name
    group by membership_a.segment_name, membership_b.segment_name
),

final as (
    select
        pairs.segment_a,
        pairs.segment_b,
        cast(pairs.members_a as {{ dbt.type_bigint() }}) as members_a,
        cast(pairs.members_b as {{ dbt.type_bigint() }}) as members_b,
        cast(coalesce(shared.shared_members, 0) as {{ dbt.type_bigint() }}) as shared_members,
        cast(coalesce(shared.shared_members, 0) as double) / pairs.members_a as share_of_a
    from pairs
    left join shared
        on pairs.segment_a = shared.segment_a
        and pairs.segment_b = shared.segment_b
)

select * from final
