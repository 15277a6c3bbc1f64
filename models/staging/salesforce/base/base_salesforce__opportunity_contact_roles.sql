-- Every raw Salesforce opportunity contact role row, with its disposition (see macro audit_columns). Without an id
-- column in the landing, a role is identified by opportunity and contact.
with

source as (
    {{ select_raw_columns(
        'salesforce', 'opportunity_contact_role',
        key="coalesce(" ~ clean_text('id') ~ ", " ~ dbt.concat(["coalesce(opportunity_id, '')", "':'", "coalesce(contact_id, '')"]) ~ ")",
        version_order=loader_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        coalesce(
            {{ clean_text('id') }},
            {{ dbt.concat([clean_text('opportunity_id'), "':'", clean_text('contact_id')]) }}
        ) as opportunity_contact_role_id,
        {{ clean_text('opportunity_id') }} as opportunity_id,
        {{ clean_text('contact_id') }} as contact_id,

        -- attributes
        {{ clean_text('role') }} as role,

        -- flags
        coalesce(is_primary, false) as is_primary,

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
            'opportunity_contact_role_id',
            rules=[
                ('opportunity_id is null', 'missing_required_id', "'opportunity_id is empty'"),
                ('contact_id is null', 'missing_required_id', "'contact_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
