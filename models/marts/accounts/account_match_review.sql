with

pairs as (
    select * from {{ ref('int_account_match_pairs_decided') }}
),

scores as (
    select * from {{ ref('int_account_match_scores') }}
),

flagged as (
    select
        match_record_key_l,
        match_record_key_r,
        steward_decision,
        case
            when decision = 'review' then 'below_auto_threshold'
            when decision = 'mdm_keeps_apart'
                and (
                    steward_decision = 'match'
                    or match_probability >= {{ var('account_match_review_threshold') }}
                )
                then 'mdm_keeps_apart'
            when decision in ('steward_match', 'model_match') and not is_applied then conflict_reason
        end as review_reason
    from pairs
),

final as (
    select
        flagged.match_record_key_l,
        flagged.match_record_key_r,
        flagged.review_reason,
        scores.account_name_l,
        scores.account_name_r,
        scores.domain_l,
        scores.domain_r,
        scores.match_probability,
        scores.match_weight,
        scores.name_level,
        scores.name_weight,
        scores.domain_level,
        scores.domain_weight,
        scores.country_level,
        scores.country_weight,
        scores.phone_level,
        scores.phone_weight,
        scores.city_level,
        scores.city_weight,
        flagged.steward_decision
    from flagged
    inner join scores
        on flagged.match_record_key_l = scores.match_record_key_l
        and flagged.match_record_key_r = scores.match_record_key_r
    where flagged.review_reason is not null
)

select * from final
