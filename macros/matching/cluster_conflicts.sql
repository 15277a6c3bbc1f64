{#
    The guard on transitive joins of account records (DECISIONLOG "Account identity"), as a CTE
    `cluster_conflicts (cluster_key, conflict_reason)`: one row per cluster that must not stand, because it holds
    two golden accounts (two_golden_accounts: the MDM keeps them apart) or both records of a pair a steward keeps
    apart (steward_no_match); the first reason in that order when both hold.
    Arguments name CTEs: `clusters (node_key, cluster_key)`, node keys 'mdm:<golden_account_id>' for golden
    accounts, and `kept_apart (node_key_l, node_key_r)`, the node pairs of the stewards' no-match decisions.
#}
{% macro cluster_conflicts_ctes(clusters, kept_apart) -%}
    cluster_conflicts as (
        select
            cluster_key,
            min(conflict_reason) as conflict_reason
        from (
            select
                cluster_key,
                'two_golden_accounts' as conflict_reason
            from {{ clusters }}
            where node_key like 'mdm:%'
            group by cluster_key
            having count(*) > 1

            union all

            select
                left_clusters.cluster_key,
                'steward_no_match' as conflict_reason
            from {{ kept_apart }}
            inner join {{ clusters }} as left_clusters on {{ kept_apart }}.node_key_l = left_clusters.node_key
            inner join {{ clusters }} as right_clusters on {{ kept_apart }}.node_key_r = right_clusters.node_key
            where left_clusters.cluster_key = right_clusters.cluster_key
        ) as conflicts
        group by cluster_key
    )
{%- endmacro %}
