-- Issues found across rows and tables: emails that cannot identify a person, references to records that do not
-- exist (orphans), identity values claimed by too many records, and conflicting MDM mappings. The rows are kept:
-- each issue says what the model did instead (in detail).
with

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

marketo_visits as (
    select * from {{ ref('stg_marketo__web_visits') }}
),

salesforce_accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

account_contact_relations as (
    select * from {{ ref('stg_salesforce__account_contact_relations') }}
),

crosswalk as (
    select * from {{ ref('stg_mdm__account_crosswalk') }}
),

mappings as (
    select * from {{ ref('int_account_mappings_ranked') }}
),

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

identity_claims as (
    select * from {{ ref('int_person_identity_claims') }}
),

email_issues as (
    select
        'marketo' as source_system,
        'lead' as table_name,
        lead_id as source_id,
        email_issue
    from marketo_leads
    where email_issue is not null

    union all

    select
        'salesforce' as source_system,
        'contact' as table_name,
        contact_id as source_id,
        email_issue
    from salesforce_contacts
    where email_issue is not null

    union all

    select
        'salesforce' as source_system,
        'lead' as table_name,
        lead_id as source_id,
        email_issue
    from salesforce_leads
    where email_issue is not null
),

issues as (
    select
        source_system,
        table_name,
        source_id,
        email_issue as reason,
        case email_issue
            when 'role_mailbox' then 'role or shared mailbox: kept as the email, links no records'
            else 'not an address of a person: email read as empty, links no records'
        end as detail
    from email_issues

    union all

    select
        'salesforce' as source_system,
        'contact' as table_name,
        salesforce_contacts.contact_id as source_id,
        'orphan_account_ref' as reason,
        {{ dbt.concat(["'account '", 'salesforce_contacts.account_id', "' does not exist: no account relation'"]) }}
            as detail
    from salesforce_contacts
    left join salesforce_accounts on salesforce_contacts.account_id = salesforce_accounts.account_id
    where salesforce_contacts.account_id is not null and salesforce_accounts.account_id is null

    union all

    select
        'salesforce' as source_system,
        'opportunity' as table_name,
        salesforce_opportunities.opportunity_id as source_id,
        'orphan_account_ref' as reason,
        {{ dbt.concat([
            "'account '", 'salesforce_opportunities.account_id', "' does not exist: the deal counts for no account'"
        ]) }} as detail
    from salesforce_opportunities
    left join salesforce_accounts on salesforce_opportunities.account_id = salesforce_accounts.account_id
    where salesforce_accounts.account_id is null

    union all

    select
        'salesforce' as source_system,
        'opportunity_contact_role' as table_name,
        contact_roles.opportunity_contact_role_id as source_id,
        'orphan_opportunity_ref' as reason,
        {{ dbt.concat(["'opportunity '", 'contact_roles.opportunity_id', "' does not exist: role ignored'"]) }}
            as detail
    from contact_roles
    left join salesforce_opportunities on contact_roles.opportunity_id = salesforce_opportunities.opportunity_id
    where salesforce_opportunities.opportunity_id is null

    union all

    select
        'salesforce' as source_system,
        'opportunity_contact_role' as table_name,
        contact_roles.opportunity_contact_role_id as source_id,
        'orphan_contact_ref' as reason,
        {{ dbt.concat(["'contact '", 'contact_roles.contact_id', "' does not exist: role ignored'"]) }} as detail
    from contact_roles
    left join salesforce_contacts on contact_roles.contact_id = salesforce_contacts.contact_id
    where salesforce_contacts.contact_id is null

    union all

    select
        'salesforce' as source_system,
        'account_contact_relation' as table_name,
        account_contact_relations.account_contact_relation_id as source_id,
        'orphan_account_ref' as reason,
        {{ dbt.concat(["'account '", 'account_contact_relations.account_id', "' does not exist: relation ignored'"]) }}
            as detail
    from account_contact_relations
    left join salesforce_accounts on account_contact_relations.account_id = salesforce_accounts.account_id
    where salesforce_accounts.account_id is null

    union all

    select
        'salesforce' as source_system,
        'account_contact_relation' as table_name,
        account_contact_relations.account_contact_relation_id as source_id,
        'orphan_contact_ref' as reason,
        {{ dbt.concat(["'contact '", 'account_contact_relations.contact_id', "' does not exist: relation ignored'"]) }}
            as detail
    from account_contact_relations
    left join salesforce_contacts on account_contact_relations.contact_id = salesforce_contacts.contact_id
    where salesforce_contacts.contact_id is null

    union all

    select
        'salesforce' as source_system,
        'lead' as table_name,
        salesforce_leads.lead_id as source_id,
        'orphan_contact_ref' as reason,
        {{ dbt.concat([
            "'converted contact '", 'salesforce_leads.converted_contact_id', "' does not exist'"
        ]) }} as detail
    from salesforce_leads
    left join salesforce_contacts on salesforce_leads.converted_contact_id = salesforce_contacts.contact_id
    where salesforce_leads.converted_contact_id is not null and salesforce_contacts.contact_id is null

    union all

    select
        'marketo' as source_system,
        'lead' as table_name,
        marketo_leads.lead_id as source_id,
        'orphan_contact_ref' as reason,
        {{ dbt.concat(["'synced contact '", 'marketo_leads.sfdc_contact_id', "' does not exist'"]) }} as detail
    from marketo_leads
    left join salesforce_contacts on marketo_leads.sfdc_contact_id = salesforce_contacts.contact_id
    where marketo_leads.sfdc_contact_id is not null and salesforce_contacts.contact_id is null

    union all

    select
        'marketo' as source_system,
        'activity_visit_webpage' as table_name,
        marketo_visits.visit_id as source_id,
        'orphan_lead_ref' as reason,
        {{ dbt.concat(["'lead '", 'marketo_visits.lead_id', "' does not exist: visit kept without a person'"]) }}
            as detail
    from marketo_visits
    left join marketo_leads on marketo_visits.lead_id = marketo_leads.lead_id
    where marketo_leads.lead_id is null

    union all

    select
        'mdm' as source_system,
        'account_crosswalk' as table_name,
        {{ dbt.concat([
            'crosswalk.golden_account_id', "'|'", 'crosswalk.source_system', "'|'", 'crosswalk.source_account_id'
        ]) }} as source_id,
        'orphan_account_ref' as reason,
        {{ dbt.concat([
            'crosswalk.source_system', "' account '", 'crosswalk.source_account_id', "' does not exist: mapping ignored'"
        ]) }} as detail
    from crosswalk
    left join account_records
        on crosswalk.source_system = account_records.source_system
        and crosswalk.source_account_id = account_records.source_account_id
    where account_records.source_account_id is null

    union all

    select
        'mdm' as source_system,
        'account_crosswalk' as table_name,
        {{ dbt.concat([
            'mappings.golden_account_id', "'|'", 'mappings.source_system', "'|'", 'mappings.source_account_id'
        ]) }} as source_id,
        'mdm_conflict' as reason,
        {{ dbt.concat([
            'mappings.source_system', "' account '", 'mappings.source_account_id',
            "' is mapped to another golden account by a more recent active row: this row is ignored'"
        ]) }} as detail
    from mappings
    where mappings.mapping_rank > 1

    union all

    select distinct
        'identity' as source_system,
        'person_identity_claims' as table_name,
        {{ dbt.concat(['identity_type', "':'", 'identity_value']) }} as source_id,
        'identity_overlinked' as reason,
        {{ dbt.concat([
            'cast(records_with_value as ' ~ dbt.type_string() ~ ')',
            "' source person records claim this value (cap "
                ~ number_var('identity_max_records_per_value', minimum=1) ~ "): it links none of them'"
        ]) }} as detail
    from identity_claims
    where records_with_value > {{ number_var('identity_max_records_per_value', minimum=1) }}
),

final as (
    select
        source_system,
        table_name,
        source_id,
        cast(1 as {{ dbt.type_bigint() }}) as row_version,
        reason,
        'kept' as disposition,
        detail
    from issues
)

select * from final
