with

decisions as (
    select * from {{ ref('base_mdm__account_match_decisions') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        match_record_key_l,
        match_record_key_r,

        -- attributes
        decision,
        decided_by,
        note,

        -- timestamps
        decided_at
    from decisions
)

select * from final
