-- Every scored pair of account records with its decision, in this order (DECISIONLOG "Account matching"):
--   1. the MDM always wins: two records the crosswalk maps to different golden accounts stay apart
--      (mdm_keeps_apart; reported in account_match_review when the model or a steward would join them);
--   2. a steward's decision (mdm.account_match_decision) overrides the model: steward_match / steward_no_match;
--   3. at or above var `account_match_auto_threshold` the model joins them: model_match;
--   4. between var `account_match_review_threshold` and the auto-match threshold: review; below: no_match.
-- Joins are transitive, so the pairs that join (steward_match, model_match) are checked by cluster: the groups they
-- connect (an MDM golden account with its records, or a record the MDM does not map) form a proposed cluster, and
-- a cluster that would hold two golden accounts, or two records a steward keeps apart, is a conflict: its
-- model_match pairs are not applied (is_applied false, conflict_reason says why) and it falls back to the stewards'
-- joins alone (int_accounts_resolved checks that fallback again).
with recursive

scores as (
    select * from {{ ref('int_account_match_scores') }}
),

steward_decisions as (
    select * from {{ ref('stg_mdm__account_match_decisions') }}
),

match_records as (
    select * from {{ ref('int_account_match_records') }}
),

decided as (
    select
        scores.*,
        steward_decisions.decision as steward_decision,
        case
            when scores.mdm_node_key_l like 'mdm:%' and scores.mdm_node_key_r like 'mdm:%' then 'mdm_keeps_apart'
            when steward_decisions.decision = 'match' then 'steward_match'
            when steward_decisions.decision = 'no_match' then 'steward_no_match'
            when scores.match_probability >= {{ var('account_match_auto_threshold') }} then 'model_match'
            when scores.match_probability >= {{ var('account_match_review_threshold') }} then 'review'
            else 'no_match'
        end as decision
    from scores
    left join steward_decisions
        on scores.match_record_key_l = steward_decisions.match_record_key_l
        and scores.match_record_key_r = steward_decisions.match_record_key_r
),

nodes as (
    select distinct mdm_node_key as node_key from match_records
),

joining_edges as (
    select
        mdm_node_key_l as from_key,
        mdm_node_key_r as to_key
    from decided
    where decision in ('steward_match', 'model_match')
),

{{ connected_components_ctes('nodes', 'node_key', 'joining_edges', 'from_key', 'to_key') }},

proposed_clusters as (
    select
        node_key,
        component_key as cluster_key
    from components
),

kept_apart as (
    select
        mdm_node_key_l as node_key_l,
        mdm_node_key_r as node_key_r
    from decided
    where decision = 'steward_no_match'
),

{{ cluster_conflicts_ctes('proposed_clusters', 'kept_apart') }},

final as (
    select
        decided.match_record_key_l,
        decided.match_record_key_r,
        decided.mdm_node_key_l,
        decided.mdm_node_key_r,
        decided.blocked_by,
        decided.steward_decision,
        decided.decision,
        decided.match_probability,
        decided.match_weight,
        case
            when decided.decision = 'steward_match' then true
            when decided.decision = 'model_match' then cluster_conflicts.conflict_reason is null
            else false
        end as is_applied,
        case when decided.decision in ('steward_match', 'model_match') then cluster_conflicts.conflict_reason end
            as conflict_reason
    from decided
    left join proposed_clusters on decided.mdm_node_key_l = proposed_clusters.node_key
    left join cluster_conflicts on proposed_clusters.cluster_key = cluster_conflicts.cluster_key
)

select * from final
