-- Every raw Salesforce campaign member row, renamed, with its disposition (see macro audit_columns). A member is
-- a lead or a contact on a campaign; without the campaign it means nothing and is quarantined.
with

source as (
    {{ select_raw_columns(
        'salesforce', 'campaign_member', key=clean_text('id'), version_order=salesforce_version_order()
    ) }}
),

renamed as (
    select
        -- ids
        {{ clean_text('id') }} as campaign_member_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('lead_id') }} as lead_id,
        {{ clean_text('contact_id') }} as contact_id,

        -- attributes
        {{ clean_text('status') }} as member_status,

        -- flags
        coalesce(has_responded, false) as has_responded,

        -- timestamps
        created_date as created_at,
        {{ salesforce_updated_at() }} as updated_at,

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
            'campaign_member_id',
            rules=[
                ('campaign_id is null', 'missing_required_id', "'campaign_id is empty'"),
            ]
        ) }}
    from renamed
)

select * from final
