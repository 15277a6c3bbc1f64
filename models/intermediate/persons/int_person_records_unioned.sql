-- One row per source person record (Marketo lead, Salesforce contact, Salesforce lead), in one shape.
-- record_key = '<source_system>:<source_object>:<source_id>' identifies a record across the project.
with

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

unioned as (
    select
        'marketo' as source_system,
        'lead' as source_object,
        lead_id as source_id,
        email,
        email_issue,
        first_name,
        last_name,
        title,
        company_name,
        is_unsubscribed,
        is_email_invalid,
        false as has_opted_out_of_email,
        updated_at
    from marketo_leads

    union all

    select
        'salesforce' as source_system,
        'contact' as source_object,
        contact_id as source_id,
        email,
        email_issue,
        first_name,
        last_name,
        title,
        cast(null as {{ dbt.type_string() }}) as company_name,
        false as is_unsubscribed,
        false as is_email_invalid,
        has_opted_out_of_email,
        updated_at
    from salesforce_contacts

    union all

    select
        'salesforce' as source_system,
        'lead' as source_object,
        lead_id as source_id,
        email,
        email_issue,
        first_name,
        last_name,
        title,
        company_name,
        false as is_unsubscribed,
        false as is_email_invalid,
        has_opted_out_of_email,
        updated_at
    from salesforce_leads
),

final as (
    select
        {{ person_record_key('source_system', 'source_object', 'source_id') }} as record_key,
        *
    from unioned
)

select * from final
