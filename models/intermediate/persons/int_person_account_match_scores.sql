-- Lead-to-account matching: each person of int_person_match_records paired with the unified accounts whose records
-- (source accounts, golden accounts) share their domain, or their normalised company name where one side has no
-- domain, as account matching blocks (with the trained weights, two different domains outweigh any agreement of
-- names: such a pair scores far below the threshold, and common names would make most of the work). A value shared
-- by more than var `account_match_max_block_size` account records is not compared. Scored by the trained
-- lead-to-account model (macros/matching/person_account_match_model.sql, from
-- matching/person_account_match_model.json). One row per person and unified account: the best-scoring of the
-- account's records, with each comparison's level and weight. The exact domain level is the former exact
-- email-domain rule, now one level of the model.
{%- set model = person_account_match_model() %}
with

person_records as (
    select * from {{ ref('int_person_match_records') }}
),

account_match_records as (
    select * from {{ ref('int_account_match_records') }}
),

accounts_resolved as (
    select * from {{ ref('int_accounts_resolved') }}
),

node_accounts as (
    select distinct
        account_match_records.mdm_node_key,
        accounts_resolved.account_id
    from accounts_resolved
    inner join account_match_records
        on accounts_resolved.account_record_key = account_match_records.match_record_key
),

account_records as (
    select
        account_match_records.*,
        node_accounts.account_id,
        count(*) over (partition by account_match_records.domain) as domain_block_size,
        count(*) over (partition by account_match_records.name_normalised) as name_block_size
    from account_match_records
    inner join node_accounts on account_match_records.mdm_node_key = node_accounts.mdm_node_key
),

candidates as (
    select
        person_records.match_record_key as person_id,
        account_records.match_record_key as account_match_record_key
    from person_records
    inner join account_records on person_records.domain = account_records.domain
    where account_records.domain_block_size <= {{ var('account_match_max_block_size') }}

    union

    select
        person_records.match_record_key as person_id,
        account_records.match_record_key as account_match_record_key
    from person_records
    inner join account_records on person_records.name_normalised = account_records.name_normalised
    where
        account_records.name_block_size <= {{ var('account_match_max_block_size') }}
        and (person_records.domain is null or account_records.domain is null)
),

pairs as (
    select
        candidates.person_id,
        account_records.account_id,
        account_records.match_record_key as account_match_record_key,
        {%- for value in model['features'] %}
            person_records.{{ value }} as {{ value }}_l,
            account_records.{{ value }} as {{ value }}_r,
        {%- endfor %}
        account_records.account_name
    from candidates
    inner join person_records on candidates.person_id = person_records.match_record_key
    inner join account_records on candidates.account_match_record_key = account_records.match_record_key
),

levelled as (
    select
        *,
        {{ match_level_columns(model) }}
    from pairs
),

scored as (
    select
        person_id,
        account_id,
        account_match_record_key,
        account_name,
        domain_l as person_domain,
        {{ match_score_columns(model) }}
    from levelled
),

ranked as (
    select
        *,
        row_number() over (
            partition by person_id, account_id
            order by match_weight desc, account_match_record_key asc
        ) as pair_rank
    from scored
),

final as (
    select * from ranked
    where pair_rank = 1
)

select * from final
