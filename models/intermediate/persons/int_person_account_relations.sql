-- One row per (person, unified account, relation type) with evidence from any source.
-- Relation types: salesforce_contact_account (contact.account_id), salesforce_account_contact_relation (active),
-- marketo_lead_company (lead.external_company_id), salesforce_opportunity_contact_role and marketo_opportunity_role
-- (a role on a deal of the account; a Marketo role on a synced deal counts on the Salesforce deal),
-- and, for persons whose lead no source relates to an account (a Salesforce lead not converted, a Marketo lead
-- without a company), the lead-to-account model's matches (int_person_account_match_scores): inferred_email_domain
-- (matched with an exact domain: their work email's or their lead's web site, never a free-mail domain) or
-- inferred_company_name (matched on the company name without a domain).
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

marketo_opportunity_roles as (
    select * from {{ ref('stg_marketo__opportunity_roles') }}
),

person_account_matches as (
    select * from {{ ref('int_person_account_match_scores') }}
),

-- Lead-to-account matching: the model's matches at or above var `person_account_match_auto_threshold`, named by
-- their strongest evidence (an exact domain, else the company name).
matched_relations as (
    select
        person_id,
        account_id,
        case when domain_level = 'exact' then 'inferred_email_domain' else 'inferred_company_name' end
            as relation_type
    from person_account_matches
    where match_probability >= {{ var('person_account_match_auto_threshold') }}
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
    select * from matched_relations
)

select * from final
