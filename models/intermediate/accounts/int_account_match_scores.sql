-- Every candidate pair of account records scored by the trained matching model (macros/matching/
-- account_match_model.sql, generated from matching/account_match_model.json): per comparison the level the pair is
-- at and its weight (log2 of m/u), the total match weight (with the prior) and the match probability. The same SQL
-- on every engine, so DuckDB and Spark give the same probabilities.
{%- set model = account_match_model() %}
with

candidates as (
    select * from {{ ref('int_account_match_candidates') }}
),

match_records as (
    select * from {{ ref('int_account_match_records') }}
),

pairs as (
    select
        candidates.match_record_key_l,
        candidates.match_record_key_r,
        candidates.blocked_by,
        left_records.mdm_node_key as mdm_node_key_l,
        right_records.mdm_node_key as mdm_node_key_r,
        {%- for value in model['features'] %}
            left_records.{{ value }} as {{ value }}_l,
            right_records.{{ value }} as {{ value }}_r,
        {%- endfor %}
        left_records.account_name as account_name_l,
        right_records.account_name as account_name_r
    from candidates
    inner join match_records as left_records on candidates.match_record_key_l = left_records.match_record_key
    inner join match_records as right_records on candidates.match_record_key_r = right_records.match_record_key
),

levelled as (
    select
        *,
        {{ match_level_columns(model) }}
    from pairs
),

final as (
    select
        match_record_key_l,
        match_record_key_r,
        blocked_by,
        mdm_node_key_l,
        mdm_node_key_r,
        account_name_l,
        account_name_r,
        domain_l,
        domain_r,
        {{ match_score_columns(model) }}
    from levelled
)

select * from final
