-- The pairs of account records the matching model scores, found by blocking so that their number grows with the
-- records, not with their square: records that share a web domain, a phone number, or (when one of the two has no
-- domain) a normalised name in the same country or city, or a name's first three letters in the same city (a typo
-- in the name). A block with more than var `account_match_max_block_size` records is not compared (a value too
-- common to tell companies apart). Pairs in the same MDM group are left out (the MDM already decided them); pairs
-- of two records the MDM maps to different golden accounts are compared only by domain and phone, to report where
-- the model disagrees with the MDM. Every pair a steward decided is a candidate, blocked or not.
-- One row per unordered pair, the smaller match_record_key on the left.
with

match_records as (
    select * from {{ ref('int_account_match_records') }}
),

steward_decisions as (
    select * from {{ ref('stg_mdm__account_match_decisions') }}
),

block_keys as (
    select
        match_record_key,
        'domain' as block_rule,
        domain as block_value
    from match_records
    where domain is not null

    union all

    select
        match_record_key,
        'phone' as block_rule,
        phone as block_value
    from match_records
    where phone is not null

    union all

    select
        match_record_key,
        'name_country' as block_rule,
        {{ dbt.concat(['name_normalised', "'|'", 'country']) }}
    from match_records
    where name_normalised is not null and country is not null

    union all

    select
        match_record_key,
        'name_city' as block_rule,
        {{ dbt.concat(['name_normalised', "'|'", 'city']) }}
    from match_records
    where name_normalised is not null and city is not null

    union all

    select
        match_record_key,
        'name_prefix_city' as block_rule,
        {{ dbt.concat(["substr(name_normalised, 1, 3)", "'|'", 'city']) }}
    from match_records
    where name_normalised is not null and city is not null
),

blocks_sized as (
    select
        block_rule,
        block_value,
        match_record_key,
        count(*) over (partition by block_rule, block_value) as block_size
    from block_keys
),

blocked as (
    select
        blocks_sized.block_rule,
        blocks_sized.block_value,
        match_records.match_record_key,
        match_records.mdm_node_key,
        match_records.domain
    from blocks_sized
    inner join match_records on blocks_sized.match_record_key = match_records.match_record_key
    where blocks_sized.block_size between 2 and {{ var('account_match_max_block_size') }}
),

blocked_pairs as (
    select
        match_record_key_l,
        match_record_key_r,
        min(block_rule) as blocked_by
    from (
        -- domain, phone, name_city: every two records of a block
        select
            left_records.match_record_key as match_record_key_l,
            right_records.match_record_key as match_record_key_r,
            left_records.block_rule
        from blocked as left_records
        inner join blocked as right_records
            on left_records.block_rule = right_records.block_rule
            and left_records.block_value = right_records.block_value
            and left_records.match_record_key < right_records.match_record_key
            and left_records.mdm_node_key <> right_records.mdm_node_key
        where
            left_records.block_rule in ('domain', 'phone')
            or (
                left_records.block_rule = 'name_city'
                and (left_records.mdm_node_key not like 'mdm:%' or right_records.mdm_node_key not like 'mdm:%')
            )

        union all

        -- name_country, name_prefix_city: only pairs with a record without a domain, joined from that side (a
        -- common name makes large blocks of records that all have a domain)
        select
            least(domainless.match_record_key, other.match_record_key) as match_record_key_l,
            greatest(domainless.match_record_key, other.match_record_key) as match_record_key_r,
            domainless.block_rule
        from blocked as domainless
        inner join blocked as other
            on domainless.block_rule = other.block_rule
            and domainless.block_value = other.block_value
            and domainless.match_record_key <> other.match_record_key
            and domainless.mdm_node_key <> other.mdm_node_key
        where
            domainless.domain is null
            and domainless.block_rule in ('name_country', 'name_prefix_city')
            and (domainless.mdm_node_key not like 'mdm:%' or other.mdm_node_key not like 'mdm:%')
    ) as pairs
    group by match_record_key_l, match_record_key_r
),

steward_pairs as (
    select
        steward_decisions.match_record_key_l,
        steward_decisions.match_record_key_r,
        'steward' as blocked_by
    from steward_decisions
    inner join match_records as left_records
        on steward_decisions.match_record_key_l = left_records.match_record_key
    inner join match_records as right_records
        on steward_decisions.match_record_key_r = right_records.match_record_key
    where left_records.mdm_node_key <> right_records.mdm_node_key
),

final as (
    select
        coalesce(blocked_pairs.match_record_key_l, steward_pairs.match_record_key_l) as match_record_key_l,
        coalesce(blocked_pairs.match_record_key_r, steward_pairs.match_record_key_r) as match_record_key_r,
        coalesce(blocked_pairs.blocked_by, steward_pairs.blocked_by) as blocked_by
    from blocked_pairs
    full outer join steward_pairs
        on blocked_pairs.match_record_key_l = steward_pairs.match_record_key_l
        and blocked_pairs.match_record_key_r = steward_pairs.match_record_key_r
)

select * from final
