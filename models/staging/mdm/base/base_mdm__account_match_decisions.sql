-- Every raw steward decision row, normalised, with its disposition (see macro audit_columns). A row is identified by
-- the unordered pair of records it is about: the two sides are put in order (the smaller record key left), so a
-- later decision on (B, A) replaces one on (A, B).
with

source as (
    {{ select_raw_columns(
        'mdm', 'account_match_decision',
        key=account_match_pair_key(
            "lower(trim(left_source_system))", "trim(left_source_account_id)",
            "lower(trim(right_source_system))", "trim(right_source_account_id)"
        ),
        version_order='decided_at desc nulls last'
    ) }}
),

sides as (
    select
        *,
        {{ account_record_key(
            "lower(" ~ clean_text('left_source_system') ~ ")", clean_text('left_source_account_id')
        ) }} as left_record_key,
        {{ account_record_key(
            "lower(" ~ clean_text('right_source_system') ~ ")", clean_text('right_source_account_id')
        ) }} as right_record_key
    from source
),

renamed as (
    select
        -- ids
        case when left_record_key <= right_record_key then left_record_key else right_record_key end
            as match_record_key_l,
        case when left_record_key <= right_record_key then right_record_key else left_record_key end
            as match_record_key_r,
        lower({{ clean_text('left_source_system') }}) as left_source_system,
        lower({{ clean_text('right_source_system') }}) as right_source_system,

        -- attributes
        lower({{ clean_text('decision') }}) as decision,
        {{ clean_text('decided_by') }} as decided_by,
        {{ clean_text('note') }} as note,

        -- timestamps
        decided_at,

        -- audit
        _unreadable_columns,
        _version_key,
        _version_rank
    from sides
),

final as (
    select
        *,
        {{ audit_columns(
            '_version_key',
            has_history=false,
            has_deleted=false,
            rules=[
                ('match_record_key_l is null or match_record_key_r is null', 'missing_required_id',
                 "'a side of the pair is empty'"),
                (
                    "left_source_system not in ('marketo', 'salesforce', 'mdm') "
                    ~ "or right_source_system not in ('marketo', 'salesforce', 'mdm')",
                    'invalid_source_system',
                    "'a source_system is not marketo, salesforce or mdm'"
                ),
                (
                    "decision is null or decision not in ('match', 'no_match')",
                    'invalid_match_decision',
                    dbt.concat(["'decision is '", "coalesce(decision, 'empty')", "', not match or no_match'"])
                ),
                (
                    'match_record_key_l = match_record_key_r',
                    'invalid_match_decision',
                    "'a record paired with itself'"
                ),
            ]
        ) }}
    from renamed
)

select * from final
