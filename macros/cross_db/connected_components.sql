{#
    The connected components of an undirected graph, as CTEs ending in `components (node_key, component_key)`: one
    row per node, component_key the smallest node_key of its component. The model must open its WITH as
    `with recursive`. Arguments name the node CTE and its key column, and the edge CTE and its two key columns (one
    direction is enough; edges to nodes not in the node CTE are ignored).

    Randomised contraction (DECISIONLOG "Identity resolution without a quadratic worst case"): nodes get integer ids
    in key order; a first round without recursion moves every node to the smallest id of its closed neighbourhood
    (which finishes the usual stars); then each round, every node of the current graph moves to the neighbour (or
    itself) that comes first in a fresh per-round hash order, the graph's edges are rewritten to those
    representatives and edges inside a representative disappear. The first node of each component in that order takes in all its neighbours, so every round shrinks
    every unfinished component, and the expected number of rounds grows with the logarithm of its size (a chain of
    50,000 records: 17). A node whose representative has no edge left is finished. Work per round is linear in the
    nodes and edges still active; no pair of nodes is ever enumerated.

    State rows (round, kind, a, b): kind 'map' (original node b is represented by a), 'edge' (a - b in the current
    graph, both directions), 'done' (original node b ends in component label a).

    Rounds stop at var `connected_components_max_rounds`; a graph that is not finished by then fails the model with
    a message naming the var, never a partial partition. Unset, the cap is the engine's: 40 on DuckDB, where the
    recursion ends as soon as every node is finished (identity graphs take 3 to 5 rounds, a chain of a million
    records about 21), and 12 on Spark, which takes no window in a recursion: its rounds are written out one after
    the other, each costing planning time whether or not it is needed.
#}
{% macro connected_components_ctes(nodes, node_key, edges, from_key, to_key) -%}
    component_node_ids as (
        select
            {{ node_key }} as node_key,
            row_number() over (order by {{ node_key }}) as node_id
        from {{ nodes }}
    ),

    component_edge_ids as (
        select
            from_ids.node_id as from_id,
            to_ids.node_id as to_id
        from {{ edges }}
        inner join component_node_ids as from_ids on {{ edges }}.{{ from_key }} = from_ids.node_key
        inner join component_node_ids as to_ids on {{ edges }}.{{ to_key }} = to_ids.node_key
        where from_ids.node_id <> to_ids.node_id
    ),

    -- both directions of every edge
    component_edges as (
        select
            from_id,
            to_id
        from component_edge_ids

        union all

        select
            to_id as from_id,
            from_id as to_id
        from component_edge_ids
    ),

    -- The first round, by id (= key) order and without recursion: identity graphs are stars around the first
    -- record of a shared value, so this finishes most components; only the edges it leaves go into the rounds.
    component_hooks as (
        select
            from_id as node_id,
            least(from_id, min(to_id)) as hook_id
        from component_edges
        group by from_id
    ),

    component_hooked_edges as (
        select distinct
            from_hooks.hook_id as from_id,
            to_hooks.hook_id as to_id
        from component_edges
        inner join component_hooks as from_hooks on component_edges.from_id = from_hooks.node_id
        inner join component_hooks as to_hooks on component_edges.to_id = to_hooks.node_id
        where from_hooks.hook_id <> to_hooks.hook_id
    ),

    component_state_0 as (
        select
            0 as round,
            'edge' as kind,
            from_id as a,
            to_id as b
        from component_hooked_edges

        union all

        select distinct
            0 as round,
            'map' as kind,
            from_id as a,
            from_id as b
        from component_hooked_edges
    ),

    {{ adapter.dispatch('connected_component_rounds_ctes', 'cdp')() }},

    components as (
        select
            component_node_ids.node_key,
            min(component_node_ids.node_key) over (
                partition by coalesce(component_labels.label_id, component_hooks.hook_id, component_node_ids.node_id)
            ) as component_key
        from component_node_ids
        left join component_hooks on component_node_ids.node_id = component_hooks.node_id
        left join component_labels on component_hooks.hook_id = component_labels.node_id
    )
{%- endmacro %}

{# One round: state rows of round r in, rows of round r + 1 out (see above). A node's position in round r's order
   is a 31-bit hash of (id, r); packing it above the id (hash * 2^31 + id) makes one bigint whose minimum names the
   first node, ties broken by id. With carry_done, finished rows pass through unchanged; without, they are dropped
   (the recursive form, which stops when a round returns no rows). #}
{% macro connected_component_round_sql(state, carry_done) -%}
    {%- set pack_a = cdp.component_round_hash('a', 'round') ~ ' * 2147483648 + a' -%}
    {%- set pack_b = cdp.component_round_hash('b', 'round') ~ ' * 2147483648 + b' -%}
    select distinct
        round + 1 as round,
        case when kind = 'map' and first_of_a is null then 'done' else kind end as kind,
        case
            when kind = 'done' or first_of_a is null then a
            else least({{ pack_a }}, first_of_a) % 2147483648
        end as a,
        case when kind = 'edge' then least({{ pack_b }}, first_of_b) % 2147483648 else b end as b
    from (
        select
            round,
            kind,
            a,
            b,
            min(case when kind = 'edge' then {{ pack_b }} end) over (partition by a) as first_of_a,
            min(case when kind = 'edge' then {{ pack_a }} end) over (partition by b) as first_of_b
        from {{ state }}
        {%- if not carry_done %}
        where kind <> 'done'
        {%- endif %}
    ) as ranked
    where kind <> 'edge' or least({{ pack_a }}, first_of_a) <> least({{ pack_b }}, first_of_b)
{%- endmacro %}

{# A 31-bit hash of an integer id and a round number: the per-round order of the nodes. #}
{% macro component_round_hash(id_column, round_column) -%}
    {{ return(adapter.dispatch('component_round_hash', 'cdp')(id_column, round_column)) }}
{%- endmacro %}

{% macro default__component_round_hash(id_column, round_column) -%}
    cast(hash({{ id_column }}, {{ round_column }}) % 2147483647 as bigint)
{%- endmacro %}

{% macro spark__component_round_hash(id_column, round_column) -%}
    pmod(xxhash64({{ id_column }}, {{ round_column }}), 2147483647)
{%- endmacro %}

{# Engines that take windows in a recursive CTE (DuckDB): the rounds recurse until none is left; each original node
   is emitted once as 'done'. #}
{% macro default__connected_component_rounds_ctes() -%}
    component_state (round, kind, a, b) as (
        select * from component_state_0

        union all

        select * from (
            {{ cdp.connected_component_round_sql('component_state', carry_done=false) | indent(12) }}
        ) as next_round
        where round <= {{ cdp.connected_components_max_rounds() }}
    ),

    component_unfinished as (
        select count(*) as unfinished_rows
        from component_state
        where round = {{ cdp.connected_components_max_rounds() }} and kind <> 'done'
    ),

    component_labels as (
        select
            component_state.b as node_id,
            case
                when component_unfinished.unfinished_rows = 0 then component_state.a
                else {{ cdp.sql_error(cdp.connected_components_error()) }}
            end as label_id
        from component_state
        cross join component_unfinished
        where
            component_state.kind = 'done'
            or (
                component_state.kind = 'map'
                and component_state.round = {{ cdp.connected_components_max_rounds() }}
            )
    )
{%- endmacro %}

{# Spark takes no window or aggregate over a recursive reference: the rounds are written out, each reading the
   previous round once, finished rows carried along; the last round must hold only finished rows. #}
{% macro spark__connected_component_rounds_ctes() -%}
    {%- set max_rounds = cdp.connected_components_max_rounds() -%}
    {%- for round_number in range(1, max_rounds + 1) %}
    component_state_{{ round_number }} as (
        {{ cdp.connected_component_round_sql('component_state_' ~ (round_number - 1), carry_done=true) | indent(8) }}
    ),
    {% endfor %}
    component_labels as (
        select
            b as node_id,
            case
                when max(case when kind = 'done' then 0 else 1 end) over () = 0 then a
                else {{ cdp.sql_error(cdp.connected_components_error()) }}
            end as label_id
        from component_state_{{ max_rounds }}
        where kind <> 'edge'
    )
{%- endmacro %}

{% macro connected_components_max_rounds() -%}
    {%- if var('connected_components_max_rounds', none) is none -%}
        {{ return(adapter.dispatch('connected_components_default_rounds', 'cdp')()) }}
    {%- endif -%}
    {{ return(cdp.number_var('connected_components_max_rounds', 1) | int) }}
{%- endmacro %}

{% macro default__connected_components_default_rounds() -%}
    {{ return(40) }}
{%- endmacro %}

{% macro spark__connected_components_default_rounds() -%}
    {{ return(12) }}
{%- endmacro %}

{% macro connected_components_error() -%}
    {{ return('connected components did not converge in ' ~ cdp.connected_components_max_rounds()
        ~ ' rounds: raise the var connected_components_max_rounds') }}
{%- endmacro %}
