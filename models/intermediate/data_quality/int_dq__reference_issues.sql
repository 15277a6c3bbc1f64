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

    {{ orphan_references(
        source_system='salesforce', table_name='contact',
        child='salesforce_contacts', child_id='contact_id', child_column='account_id',
        parent='salesforce_accounts', parent_column='account_id',
        reason='orphan_account_ref', label='account', consequence='no account relation'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='opportunity',
        child='salesforce_opportunities', child_id='opportunity_id', child_column='account_id',
        parent='salesforce_accounts', parent_column='account_id',
        reason='orphan_account_ref', label='account', consequence='the deal counts for no account'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='opportunity_contact_role',
        child='contact_roles', child_id='opportunity_contact_role_id', child_column='opportunity_id',
        parent='salesforce_opportunities', parent_column='opportunity_id',
        reason='orphan_opportunity_ref', label='opportunity', consequence='role ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='opportunity_contact_role',
        child='contact_roles', child_id='opportunity_contact_role_id', child_column='contact_id',
        parent='salesforce_contacts', parent_column='contact_id',
        reason='orphan_contact_ref', label='contact', consequence='role ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='account_contact_relation',
        child='account_contact_relations', child_id='account_contact_relation_id', child_column='account_id',
        parent='salesforce_accounts', parent_column='account_id',
        reason='orphan_account_ref', label='account', consequence='relation ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='account_contact_relation',
        child='account_contact_relations', child_id='account_contact_relation_id', child_column='contact_id',
        parent='salesforce_contacts', parent_column='contact_id',
        reason='orphan_contact_ref', label='contact', consequence='relation ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='lead',
        child='salesforce_leads', child_id='lead_id', child_column='converted_contact_id',
        parent='salesforce_contacts', parent_column='contact_id',
        reason='orphan_contact_ref', label='converted contact', consequence='no conversion link'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='lead',
        child='marketo_leads', child_id='lead_id', child_column='sfdc_contact_id',
        parent='salesforce_contacts', parent_column='contact_id',
        reason='orphan_contact_ref', label='synced contact', consequence='no link to it'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='activity_visit_webpage',
        child='marketo_visits', child_id='visit_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='visit kept without a person'
    ) }}

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
