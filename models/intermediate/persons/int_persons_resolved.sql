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

-- (record_key, reached_key): every record each record reaches through the links (itself included).
{{ reachable_pairs_ctes('records', 'record_key', 'edges', 'from_key', 'to_key') }},

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
