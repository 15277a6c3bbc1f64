-- One row per source account with its unified account_id and how it was unified (DECISIONLOG "Account matching").
-- Source accounts that the MDM crosswalk maps (active rows) to one golden account are one unified account (when
-- active rows map a source account to several golden accounts, the most recently updated row wins, then the
-- smallest golden_account_id). Where the MDM is silent, the applied pairs of int_account_match_pairs_decided (a
-- steward's match, the model's auto-matches) join the groups; a cluster that still holds two golden accounts or two
-- records a steward keeps apart is undone (its groups stay apart). A unified account's id is the hash of its golden
-- account ('mdm:<golden_account_id>') when it has one, else of its smallest source account key, so an account the
-- matching does not touch keeps the id it always had.
--   match_method: mdm (the crosswalk maps it), steward, model (match_probability: its best applied pair's), none.
with recursive

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

match_records as (
    select * from {{ ref('int_account_match_records') }}
),

pairs as (
    select * from {{ ref('int_account_match_pairs_decided') }}
),

steward_decisions as (
    select * from {{ ref('stg_mdm__account_match_decisions') }}
),

nodes as (
    select distinct mdm_node_key as node_key from match_records
),

applied_edges as (
    select
        mdm_node_key_l as from_key,
        mdm_node_key_r as to_key
    from pairs
    where is_applied
),

{{ connected_components_ctes('nodes', 'node_key', 'applied_edges', 'from_key', 'to_key') }},

clusters as (
    select
        node_key,
        component_key as cluster_key
    from components
),

kept_apart as (
    select
        left_records.mdm_node_key as node_key_l,
        right_records.mdm_node_key as node_key_r
    from steward_decisions
    inner join match_records as left_records
        on steward_decisions.match_record_key_l = left_records.match_record_key
    inner join match_records as right_records
        on steward_decisions.match_record_key_r = right_records.match_record_key
    where steward_decisions.decision = 'no_match'
),

{{ cluster_conflicts_ctes('clusters', 'kept_apart') }},

final_clusters as (
    select
        clusters.node_key,
        case when cluster_conflicts.cluster_key is null then clusters.cluster_key else clusters.node_key end
            as cluster_key
    from clusters
    left join cluster_conflicts on clusters.cluster_key = cluster_conflicts.cluster_key
),

cluster_anchors as (
    select
        cluster_key,
        coalesce(min(case when node_key like 'mdm:%' then node_key end), min(node_key)) as anchor_node_key,
        count(*) as cluster_node_count
    from final_clusters
    group by cluster_key
),

node_edges as (
    select
        mdm_node_key_l as node_key,
        decision,
        match_probability,
        match_record_key_l,
        match_record_key_r
    from pairs
    where is_applied
    union all
    select
        mdm_node_key_r as node_key,
        decision,
        match_probability,
        match_record_key_l,
        match_record_key_r
    from pairs
    where is_applied
),

node_evidence as (
    select
        node_edges.node_key,
        {{ dbt.bool_or("node_edges.decision = 'steward_match'") }} as has_steward_match,
        max(case when node_edges.decision = 'model_match' then node_edges.match_probability end)
            as best_model_probability
    from node_edges
    inner join final_clusters as left_clusters on node_edges.node_key = left_clusters.node_key
    inner join cluster_anchors on left_clusters.cluster_key = cluster_anchors.cluster_key
    where cluster_anchors.cluster_node_count > 1
    group by node_edges.node_key
),

final as (
    select
        account_records.account_record_key,
        account_records.source_system,
        account_records.source_account_id,
        case when cluster_anchors.anchor_node_key like 'mdm:%'
                then substr(cluster_anchors.anchor_node_key, 5)
        end as golden_account_id,
        {{ dbt.hash('cluster_anchors.anchor_node_key') }} as account_id,
        case
            when match_records.mdm_node_key like 'mdm:%' then 'mdm'
            when cluster_anchors.cluster_node_count = 1 then 'none'
            when node_evidence.has_steward_match then 'steward'
            else 'model'
        end as match_method,
        case
            when match_records.mdm_node_key not like 'mdm:%'
                and cluster_anchors.cluster_node_count > 1
                and not coalesce(node_evidence.has_steward_match, false)
                then node_evidence.best_model_probability
        end as match_probability
    from account_records
    inner join match_records on account_records.account_record_key = match_records.match_record_key
    inner join final_clusters on match_records.mdm_node_key = final_clusters.node_key
    inner join cluster_anchors on final_clusters.cluster_key = cluster_anchors.cluster_key
    left join node_evidence on match_records.mdm_node_key = node_evidence.node_key
)

select * from final
