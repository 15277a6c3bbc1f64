-- One row per source person record with its person_id: the connected components of int_person_links.
-- Every record is in one component with every record it reaches through the (undirected) links, whatever the
-- chain length (connected_components_ctes: near-linear, no pair of records enumerated); the component is named
-- after its smallest record_key, and person_id is a hash of that name, so the same inputs always give the same ids.
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

{{ connected_components_ctes('records', 'record_key', 'links', 'record_key', 'linked_record_key') }},

components_sized as (
    select
        node_key as record_key,
        component_key,
        count(*) over (partition by component_key) as component_size
    from components
),

final as (
    select
        record_key,
        component_key,
        {{ dbt.hash('component_key') }} as person_id,
        component_size
    from components_sized
)

select * from final
