-- Every raw Salesforce account-contact relation row, with its disposition (see macro audit_columns). Without an
-- id column in the landing, a relation is identified by account and contact.
with

source as (
    {{ select_raw_columns(
        'salesforce', 'account_contact_relation',
        key="coalesce(" ~ clean_text('id') ~ ", " ~ dbt.concat(["coalesce(account_id, '')", "':'", "coalesce(contact_id, '')"]) ~ ")",
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        coalesce(
            {{ clean_text('id') }},
            {{ dbt.concat([clean_text('account_id'), "':'", clean_text('contact_id')]) }}
        ) as account_contact_relation_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,

        -- attributes
        {{ clean_text('roles') }} as roles,

        -- flags
        coalesce(is_direct, false) as is_direct,
        coalesce(is_active, true) as is_active,

        -- audit
        is_deleted,
        _fivetran_active,
        _unreadable_columns,
        _version_key,
        _version_rank
    from source
),

final as (
    select
        *,
        {{ audit_columns(
            'account_contact_relation_id',
            rules=[
                ('account_id is null', 'missing_required_id', "'account_id is empty'"),
                ('contact_id is null', 'missing_required_id', "'contact_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
