-- What each source person record claims to be: one row per (record, identity type, identity value).
--   email               its valid normalised email (not a placeholder, not a role mailbox such as info@);
--   salesforce_contact  a contact is its own id; a Marketo lead synced to a contact (sfdc_contact_id) and a
--                       Salesforce lead converted into one (converted_contact_id) claim that contact's id;
--   salesforce_lead     a Salesforce lead is its own id; a Marketo lead synced to it (sfdc_lead_id) claims it.
-- Records that claim the same value are the same person (int_person_links), unless the value is claimed by more
-- than var('identity_max_records_per_value') records: such a value says nothing about who someone is (a shared
-- inbox, a sync gone wrong) and links nobody; data_quality_issues reports it as identity_overlinked.
with

records as (
    select * from {{ ref('int_person_records_unioned') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

claims as (
    select
        record_key,
        'email' as identity_type,
        email as identity_value
    from records
    where email is not null and coalesce(email_issue, '') <> 'role_mailbox'

    union all

    select
        record_key,
        case source_object when 'contact' then 'salesforce_contact' else 'salesforce_lead' end as identity_type,
        source_id as identity_value
    from records
    where source_system = 'salesforce'

    union all

    select
        {{ person_record_key("'marketo'", "'lead'", 'lead_id') }} as record_key,
        'salesforce_contact' as identity_type,
        sfdc_contact_id as identity_value
    from marketo_leads
    where sfdc_contact_id is not null

    union all

    select
        {{ person_record_key("'marketo'", "'lead'", 'lead_id') }} as record_key,
        'salesforce_lead' as identity_type,
        sfdc_lead_id as identity_value
    from marketo_leads
    where sfdc_lead_id is not null

    union all

    select
        {{ person_record_key("'salesforce'", "'lead'", 'lead_id') }} as record_key,
        'salesforce_contact' as identity_type,
        converted_contact_id as identity_value
    from salesforce_leads
    where converted_contact_id is not null
),

distinct_claims as (
    select distinct
        record_key,
        identity_type,
        identity_value
    from claims
),

final as (
    select
        record_key,
        identity_type,
        identity_value,
        count(*) over (partition by identity_type, identity_value) as records_with_value,
        min(record_key) over (partition by identity_type, identity_value) as anchor_record_key
    from distinct_claims
)

select * from final
