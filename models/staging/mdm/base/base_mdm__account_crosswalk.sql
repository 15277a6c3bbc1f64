-- Every raw MDM crosswalk row, with its disposition (see macro audit_columns). A row is identified by the mapping it
-- states (golden account, source system, source account); an unknown source_system cannot be used.
with

source as (
    {{ select_raw_columns(
        'mdm', 'account_crosswalk',
        key=dbt.concat([
            "coalesce(golden_account_id, '')", "'|'",
            "coalesce(lower(trim(source_system)), '')", "'|'",
            "coalesce(source_account_id, '')"
        ]),
        version_order='updated_at desc nulls last'
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('golden_account_id') }} as golden_account_id,
        lower({{ clean_text('source_system') }}) as source_system,
        {{ clean_text('source_account_id') }} as source_account_id,

        -- flags
        coalesce(is_active, true) as is_active,

        -- timestamps
        updated_at,

        -- audit
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns(
            'golden_account_id',
            has_history=false,
            has_deleted=false,
            rules=[
                ('source_account_id is null', 'missing_required_id', "'source_account_id is empty'"),
                ('source_system is null', 'missing_required_id', "'source_system is empty'"),
                (
                    "source_system not in ('marketo', 'salesforce')",
                    'invalid_source_system',
                    dbt.concat(["'source_system is '", 'source_system', "', not marketo or salesforce'"])
                ),
            ]
        ) }}
    from renamed
)

select * from final
