{#
    Every raw table with its base and staging model and the id column that identifies its rows: the list the data
    quality models (issues, row accounting) iterate over. A new raw table is added here once.
#}
{% macro raw_tables() -%}
    {{ return([
        {'source': 'marketo', 'table': 'lead', 'base': 'base_marketo__leads',
         'staging': 'stg_marketo__leads', 'id': 'lead_id'},
        {'source': 'marketo', 'table': 'company', 'base': 'base_marketo__companies',
         'staging': 'stg_marketo__companies', 'id': 'company_id'},
        {'source': 'marketo', 'table': 'opportunity', 'base': 'base_marketo__opportunities',
         'staging': 'stg_marketo__opportunities', 'id': 'opportunity_id'},
        {'source': 'marketo', 'table': 'activity_visit_webpage', 'base': 'base_marketo__web_visits',
         'staging': 'stg_marketo__web_visits', 'id': 'visit_id'},
        {'source': 'salesforce', 'table': 'account', 'base': 'base_salesforce__accounts',
         'staging': 'stg_salesforce__accounts', 'id': 'account_id'},
        {'source': 'salesforce', 'table': 'contact', 'base': 'base_salesforce__contacts',
         'staging': 'stg_salesforce__contacts', 'id': 'contact_id'},
        {'source': 'salesforce', 'table': 'lead', 'base': 'base_salesforce__leads',
         'staging': 'stg_salesforce__leads', 'id': 'lead_id'},
        {'source': 'salesforce', 'table': 'opportunity', 'base': 'base_salesforce__opportunities',
         'staging': 'stg_salesforce__opportunities', 'id': 'opportunity_id'},
        {'source': 'salesforce', 'table': 'opportunity_contact_role',
         'base': 'base_salesforce__opportunity_contact_roles',
         'staging': 'stg_salesforce__opportunity_contact_roles', 'id': 'opportunity_contact_role_id'},
        {'source': 'salesforce', 'table': 'account_contact_relation',
         'base': 'base_salesforce__account_contact_relations',
         'staging': 'stg_salesforce__account_contact_relations', 'id': 'account_contact_relation_id'},
        {'source': 'mdm', 'table': 'account_crosswalk', 'base': 'base_mdm__account_crosswalk',
         'staging': 'stg_mdm__account_crosswalk', 'id': '_version_key'},
        {'source': 'mdm', 'table': 'golden_account', 'base': 'base_mdm__golden_accounts',
         'staging': 'stg_mdm__golden_accounts', 'id': 'golden_account_id'},
    ]) }}
{%- endmacro %}
