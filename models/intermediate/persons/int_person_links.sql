-- Evidence that two source person records are the same person: one row per (record_key, linked_record_key, link_type).
-- Shared emails link every record to the first record (by key) with that email: a star, not a clique, so the
-- number of links grows with the number of records, not its square.
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

email_anchors as (
    select
        email,
        min(record_key) as anchor_record_key
    from records
    where email is not null
    group by email
),

shared_email as (
    select
        records.record_key,
        email_anchors.anchor_record_key as linked_record_key,
        'same_email' as link_type
    from records
    inner join email_anchors on records.email = email_anchors.email
    where records.record_key <> email_anchors.anchor_record_key
),

-- Marketo's Salesforce sync stamps the contact / lead id on the lead.
marketo_synced_contact as (
    select
        {{ person_record_key("'marketo'", "'lead'", 'marketo_leads.lead_id') }} as record_key,
        records.record_key as linked_record_key,
        'marketo_sfdc_contact_id' as link_type
    from marketo_leads
    inner join records
        on records.source_system = 'salesforce'
        and records.source_object = 'contact'
        and marketo_leads.sfdc_contact_id = records.source_id
),

marketo_synced_lead as (
    select
        {{ person_record_key("'marketo'", "'lead'", 'marketo_leads.lead_id') }} as record_key,
        records.record_key as linked_record_key,
        'marketo_sfdc_lead_id' as link_type
    from marketo_leads
    inner join records
        on records.source_system = 'salesforce'
        and records.source_object = 'lead'
        and marketo_leads.sfdc_lead_id = records.source_id
),

-- A converted Salesforce lead became the contact it names.
salesforce_lead_conversion as (
    select
        {{ person_record_key("'salesforce'", "'lead'", 'salesforce_leads.lead_id') }} as record_key,
        records.record_key as linked_record_key,
        'salesforce_lead_conversion' as link_type
    from salesforce_leads
    inner join records
        on records.source_system = 'salesforce'
        and records.source_object = 'contact'
        and salesforce_leads.converted_contact_id = records.source_id
),

final as (
    select * from shared_email
    union all
    select * from marketo_synced_contact
    union all
    select * from marketo_synced_lead
    union all
    select * from salesforce_lead_conversion
)

select distinct * from final
