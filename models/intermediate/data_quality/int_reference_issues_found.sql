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

marketo_opportunities as (
    select * from {{ ref('stg_marketo__opportunities') }}
),

marketo_opportunity_roles as (
    select * from {{ ref('stg_marketo__opportunity_roles') }}
),

marketo_programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

marketo_program_memberships as (
    select * from {{ ref('stg_marketo__program_memberships') }}
),

marketo_static_lists as (
    select * from {{ ref('stg_marketo__static_lists') }}
),

marketo_list_memberships as (
    select * from {{ ref('stg_marketo__list_memberships') }}
),

marketo_form_fills as (
    select * from {{ ref('stg_marketo__form_fills') }}
),

marketo_email_opens as (
    select * from {{ ref('stg_marketo__email_opens') }}
),

marketo_email_clicks as (
    select * from {{ ref('stg_marketo__email_clicks') }}
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

campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

campaign_members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
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

opportunities as (
    select * from {{ ref('int_opportunities_deduplicated') }}
),

-- A Marketo opportunity role may name a Marketo deal or a synced Salesforce deal (same id): both are known.
known_opportunities as (
    select opportunity_id from marketo_opportunities
    union
    select opportunity_id from salesforce_opportunities
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

    {{ orphan_references(
        source_system='salesforce', table_name='campaign_member',
        child='campaign_members', child_id='campaign_member_id', child_column='campaign_id',
        parent='campaigns', parent_column='campaign_id',
        reason='orphan_campaign_ref', label='campaign', consequence='membership ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='campaign_member',
        child='campaign_members', child_id='campaign_member_id', child_column='contact_id',
        parent='salesforce_contacts', parent_column='contact_id',
        reason='orphan_contact_ref', label='contact', consequence='membership left out of the member facts'
    ) }}

    union all

    {{ orphan_references(
        source_system='salesforce', table_name='campaign_member',
        child='campaign_members', child_id='campaign_member_id', child_column='lead_id',
        parent='salesforce_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='membership left out of the member facts'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='opportunity_role',
        child='marketo_opportunity_roles', child_id='opportunity_role_id', child_column='opportunity_id',
        parent='known_opportunities', parent_column='opportunity_id',
        reason='orphan_opportunity_ref', label='opportunity', consequence='role ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='opportunity_role',
        child='marketo_opportunity_roles', child_id='opportunity_role_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='role ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='program_membership',
        child='marketo_program_memberships', child_id='program_membership_id', child_column='program_id',
        parent='marketo_programs', parent_column='program_id',
        reason='orphan_program_ref', label='program', consequence='membership ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='program_membership',
        child='marketo_program_memberships', child_id='program_membership_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='membership left out of the member facts'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='list_membership',
        child='marketo_list_memberships', child_id='list_membership_id', child_column='list_id',
        parent='marketo_static_lists', parent_column='list_id',
        reason='orphan_list_ref', label='static list', consequence='membership ignored'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='list_membership',
        child='marketo_list_memberships', child_id='list_membership_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='membership left out of the member facts'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='activity_fill_out_form',
        child='marketo_form_fills', child_id='form_fill_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='activity kept without a person'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='activity_open_email',
        child='marketo_email_opens', child_id='email_open_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='activity kept without a person'
    ) }}

    union all

    {{ orphan_references(
        source_system='marketo', table_name='activity_click_email',
        child='marketo_email_clicks', child_id='email_click_id', child_column='lead_id',
        parent='marketo_leads', parent_column='lead_id',
        reason='orphan_lead_ref', label='lead', consequence='activity kept without a person'
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

    select
        source_system,
        'opportunity' as table_name,
        source_opportunity_id as source_id,
        'missing_currency_rate' as reason,
        {{ dbt.concat([
            "'no active conversion rate for '", 'currency_iso_code', "': amount_usd is empty, the deal adds nothing'"
        ]) }} as detail
    from opportunities
    where amount is not null and amount_usd is null

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
