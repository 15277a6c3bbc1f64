-- One row per (person, unified account, relation type) with evidence from any source.
-- Relation types: salesforce_contact_account (contact.account_id), salesforce_account_contact_relation (active),
-- marketo_lead_company (lead.external_company_id), salesforce_opportunity_contact_role and marketo_opportunity_role
-- (a role on a deal of the account; a Marketo role on a synced deal counts on the Salesforce deal),
-- inferred_email_domain (a Salesforce lead not converted, or a Marketo lead without a company, whose email domain is a
-- web domain of the account; never a free-mail domain).
with

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

accounts as (
    select * from {{ ref('int_accounts_resolved') }}
),

opportunities as (
    select * from {{ ref('int_opportunities_deduplicated') }}
),

contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

account_contact_relations as (
    select * from {{ ref('stg_salesforce__account_contact_relations') }}
),

opportunity_contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

marketo_opportunity_roles as (
    select * from {{ ref('stg_marketo__opportunity_roles') }}
),

account_domains as (
    select * from {{ ref('int_account_domains') }}
),

unattached_leads as (
    select
        {{ person_record_key("'marketo'", "'lead'", 'lead_id') }} as record_key,
        email
    from marketo_leads
    where company_id is null and email is not null

    union all

    select
        {{ person_record_key("'salesforce'", "'lead'", 'lead_id') }} as record_key,
        email
    from salesforce_leads
    where not is_converted and email is not null
),

domain_relations as (
    select distinct
        persons.person_id,
        account_domains.account_id,
        'inferred_email_domain' as relation_type
    from unattached_leads
    inner join persons on unattached_leads.record_key = persons.record_key
    inner join account_domains on split_part(unattached_leads.email, '@', 2) = account_domains.domain
),

evidence as (
    select
        {{ person_record_key("'salesforce'", "'contact'", 'contact_id') }} as record_key,
        'salesforce' as source_system,
        account_id as source_account_id,
        'salesforce_contact_account' as relation_type
    from contacts
    where account_id is not null

    union all

    select
        {{ person_record_key("'salesforce'", "'contact'", 'contact_id') }} as record_key,
        'salesforce' as source_system,
        account_id as source_account_id,
        'salesforce_account_contact_relation' as relation_type
    from account_contact_relations
    where is_active

    union all

    select
        {{ person_record_key("'marketo'", "'lead'", 'lead_id') }} as record_key,
        'marketo' as source_system,
        company_id as source_account_id,
        'marketo_lead_company' as relation_type
    from marketo_leads
    where company_id is not null
),

opportunity_role_relations as (
    select distinct
        persons.person_id,
        opportunities.account_id,
        'salesforce_opportunity_contact_role' as relation_type
    from opportunity_contact_roles
    inner join opportunities
        on opportunities.source_system = 'salesforce'
        and opportunity_contact_roles.opportunity_id = opportunities.source_opportunity_id
    inner join persons
        on {{ person_record_key("'salesforce'", "'contact'", 'opportunity_contact_roles.contact_id') }}
        = persons.record_key
    where opportunities.account_id is not null
),

marketo_role_relations as (
    select distinct
        persons.person_id,
        opportunities.account_id,
        'marketo_opportunity_role' as relation_type
    from marketo_opportunity_roles
    inner join opportunities on marketo_opportunity_roles.opportunity_id = opportunities.source_opportunity_id
    inner join persons
        on {{ person_record_key("'marketo'", "'lead'", 'marketo_opportunity_roles.lead_id') }} = persons.record_key
    where opportunities.account_id is not null
),

direct_relations as (
    select distinct
        persons.person_id,
        accounts.account_id,
        evidence.relation_type
    from evidence
    inner join persons on evidence.record_key = persons.record_key
    inner join accounts
        on evidence.source_system = accounts.source_system
        and evidence.source_account_id = accounts.source_account_id
),

final as (
    select * from direct_relations
    union all
    select * from opportunity_role_relations
    union all
    select * from marketo_role_relations
    union all
    select * from domain_relations
)

select * from final
