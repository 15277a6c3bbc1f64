-- One row per source person record with its person_id: the connected components of int_person_links.
-- Every record reaches every record of its component through the (undirected) links, whatever the chain length;
-- the component is named after its smallest record_key, and person_id is a hash of that name, so the same
-- inputs always give the same ids.
with recursive

records as (
    select record_key from {{ ref('int_person_records_unioned') }}
),

links as (
    select
        record_key,
        linked_record_key
    from {{ ref('int_person_links') }}
),

edges as (
    select
        record_key as from_key,
        linked_record_key as to_key
    from links
    union
    select
        linked_record_key as from_key,
        record_key as to_key
    from links
),

-- (record, reachable record) pairs; `union` removes repeats, so cycles end the recursion.
reachable (record_key, reached_key) as (
    select
        record_key,
        record_key as reached_key
    from records

    union

    select
        reachable.record_key,
        edges.to_key as reached_key
    from reachable
    inner join edges on reachable.reached_key = edges.from_key
),

components as (
    select
        record_key,
        min(reached_key) as component_key,
        count(*) as component_size
    from reachable
    group by record_key
),

final as (
    select
        record_key,
        component_key,
        {{ dbt.hash('component_key') }} as person_id,
        component_size
    from components
)

select * from final
