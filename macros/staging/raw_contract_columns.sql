{#
    Generated from the raw data contract (models/staging/<source>/_<source>__sources.yml) by
    `make raw-contract-macro`: do not edit. Every raw table's columns and logical types, for the
    unit-test fixtures of raw tables (macro get_fixture_sql), which dbt compiles without the project's graph.
    A build stops when this copy and the yml differ (macro raw_columns_select).
#}
{% macro raw_contract_columns() -%}
    {{ return({
        'marketo.lead': [
            ['id', 'string'],
            ['email', 'string'],
            ['first_name', 'string'],
            ['last_name', 'string'],
            ['company', 'string'],
            ['website', 'string'],
            ['title', 'string'],
            ['external_company_id', 'string'],
            ['sfdc_lead_id', 'string'],
            ['sfdc_contact_id', 'string'],
            ['unsubscribed', 'boolean'],
            ['email_invalid', 'boolean'],
            ['created_at', 'timestamp'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.company': [
            ['external_company_id', 'string'],
            ['id', 'string'],
            ['company', 'string'],
            ['website', 'string'],
            ['industry', 'string'],
            ['billing_country', 'string'],
            ['billing_city', 'string'],
            ['main_phone', 'string'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.opportunity': [
            ['external_opportunity_id', 'string'],
            ['external_company_id', 'string'],
            ['amount', 'float'],
            ['is_won', 'boolean'],
            ['id', 'string'],
            ['name', 'string'],
            ['stage', 'string'],
            ['is_closed', 'boolean'],
            ['close_date', 'date'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.activity_visit_webpage': [
            ['id', 'string'],
            ['lead_id', 'string'],
            ['activity_date', 'timestamp'],
            ['webpage_url', 'string'],
            ['primary_attribute_value', 'string'],
            ['query_parameters', 'string'],
            ['referrer_url', 'string'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.opportunity_role': [
            ['id', 'string'],
            ['external_opportunity_id', 'string'],
            ['lead_id', 'string'],
            ['role', 'string'],
            ['is_primary', 'boolean'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.program': [
            ['id', 'string'],
            ['name', 'string'],
            ['type', 'string'],
            ['channel', 'string'],
            ['sfdc_id', 'string'],
            ['created_at', 'timestamp'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.program_membership': [
            ['program_id', 'string'],
            ['lead_id', 'string'],
            ['status', 'string'],
            ['reached_success', 'boolean'],
            ['membership_date', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.static_list': [
            ['id', 'string'],
            ['name', 'string'],
            ['created_at', 'timestamp'],
            ['updated_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.list_membership': [
            ['list_id', 'string'],
            ['lead_id', 'string'],
            ['created_at', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.activity_fill_out_form': [
            ['id', 'string'],
            ['lead_id', 'string'],
            ['activity_date', 'timestamp'],
            ['primary_attribute_value', 'string'],
            ['webpage_url', 'string'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.activity_open_email': [
            ['id', 'string'],
            ['lead_id', 'string'],
            ['activity_date', 'timestamp'],
            ['primary_attribute_value', 'string'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'marketo.activity_click_email': [
            ['id', 'string'],
            ['lead_id', 'string'],
            ['activity_date', 'timestamp'],
            ['primary_attribute_value', 'string'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'mdm.account_crosswalk': [
            ['golden_account_id', 'string'],
            ['source_system', 'string'],
            ['source_account_id', 'string'],
            ['is_active', 'boolean'],
            ['updated_at', 'timestamp']
        ],
        'mdm.golden_account': [
            ['golden_account_id', 'string'],
            ['name', 'string'],
            ['domain', 'string'],
            ['industry', 'string'],
            ['country', 'string'],
            ['updated_at', 'timestamp']
        ],
        'mdm.account_match_decision': [
            ['left_source_system', 'string'],
            ['left_source_account_id', 'string'],
            ['right_source_system', 'string'],
            ['right_source_account_id', 'string'],
            ['decision', 'string'],
            ['decided_by', 'string'],
            ['decided_at', 'timestamp'],
            ['note', 'string']
        ],
        'salesforce.account': [
            ['id', 'string'],
            ['name', 'string'],
            ['website', 'string'],
            ['industry', 'string'],
            ['number_of_employees', 'integer'],
            ['annual_revenue', 'float'],
            ['billing_country', 'string'],
            ['billing_city', 'string'],
            ['phone', 'string'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.contact': [
            ['id', 'string'],
            ['email', 'string'],
            ['account_id', 'string'],
            ['first_name', 'string'],
            ['last_name', 'string'],
            ['title', 'string'],
            ['has_opted_out_of_email', 'boolean'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.lead': [
            ['id', 'string'],
            ['email', 'string'],
            ['first_name', 'string'],
            ['last_name', 'string'],
            ['company', 'string'],
            ['website', 'string'],
            ['title', 'string'],
            ['is_converted', 'boolean'],
            ['converted_contact_id', 'string'],
            ['converted_account_id', 'string'],
            ['has_opted_out_of_email', 'boolean'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.opportunity': [
            ['id', 'string'],
            ['account_id', 'string'],
            ['amount', 'float'],
            ['is_won', 'boolean'],
            ['name', 'string'],
            ['stage_name', 'string'],
            ['is_closed', 'boolean'],
            ['close_date', 'date'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['currency_iso_code', 'string'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.opportunity_contact_role': [
            ['opportunity_id', 'string'],
            ['contact_id', 'string'],
            ['id', 'string'],
            ['role', 'string'],
            ['is_primary', 'boolean'],
            ['is_deleted', 'boolean'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.account_contact_relation': [
            ['account_id', 'string'],
            ['contact_id', 'string'],
            ['id', 'string'],
            ['roles', 'string'],
            ['is_direct', 'boolean'],
            ['is_active', 'boolean'],
            ['is_deleted', 'boolean'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.campaign': [
            ['id', 'string'],
            ['name', 'string'],
            ['type', 'string'],
            ['status', 'string'],
            ['start_date', 'date'],
            ['end_date', 'date'],
            ['is_active', 'boolean'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.campaign_member': [
            ['id', 'string'],
            ['campaign_id', 'string'],
            ['lead_id', 'string'],
            ['contact_id', 'string'],
            ['status', 'string'],
            ['has_responded', 'boolean'],
            ['created_date', 'timestamp'],
            ['is_deleted', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ],
        'salesforce.currency_type': [
            ['iso_code', 'string'],
            ['conversion_rate', 'float'],
            ['is_corporate', 'boolean'],
            ['is_active', 'boolean'],
            ['last_modified_date', 'timestamp'],
            ['system_modstamp', 'timestamp'],
            ['_fivetran_synced', 'timestamp'],
            ['_fivetran_active', 'boolean']
        ]
    }) }}
{%- endmacro %}
