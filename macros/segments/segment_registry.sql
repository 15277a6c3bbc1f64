{#
    Generated from the segment declarations (models/segments/seg_*.sql, macro segment) by `make segments`:
    do not edit. Every segment's declaration by name, for the models that cover every segment and for the
    ranks of priority groups, which dbt needs while it parses (its graph is empty then). The dbt test
    segment_registry_is_current fails a build whose registry differs from the declarations.
#}
{% macro segment_registry() -%}
    {{ return({
        'seg_accounts_stalled_pipeline': {
            'description': 'Stalled pipeline (accounts): accounts with open pipeline (USD) over var(\'stalled_min_open_pipeline_usd\') (default 500,000) and no activity of any related person in the var(\'stalled_inactive_days\') days (default 90) up to as_of. Its persons: seg_stalled_pipeline_contacts.',
            'owner': 'Sales operations',
            'grain': 'account',
            'conditions': {
                'open_pipeline_over_threshold': 'open pipeline (USD) over var(\'stalled_min_open_pipeline_usd\')',
                'no_activity_recently': 'no activity of any related person in the var(\'stalled_inactive_days\') days up to as_of'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_new_product_upsell': {
            'description': 'New-product upsell: people related to an account whose closed-won revenue (USD) is over var(\'upsell_min_won_revenue_usd\') (default 1,000,000) who visited a page like var(\'new_product_page_pattern\') (case-insensitive) in the var(\'upsell_visit_window_days\') days (default 30) up to as_of, both ends included.',
            'owner': 'Marketing operations',
            'grain': 'person',
            'conditions': {
                'account_won_revenue_over_threshold': 'related to an account whose closed-won revenue (USD) is over var(\'upsell_min_won_revenue_usd\')',
                'visited_new_product_page_recently': 'visited a page like var(\'new_product_page_pattern\') in the var(\'upsell_visit_window_days\') days up to as_of'
            },
            'activation': [
                {'format': 'marketo', 'list_name': 'CDP - New product upsell'},
                {'format': 'marketo-csv'},
                {'format': 'linkedin-csv'}
            ],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_open_opportunity_decision_makers': {
            'description': 'Open-deal decision makers: people who are Decision Maker on an open opportunity over var(\'decision_maker_min_open_opportunity_usd\') (default 200,000), for executive events and ABM ads.',
            'owner': 'Sales operations',
            'grain': 'person',
            'conditions': {
                'decision_maker_on_large_open_opportunity': 'Decision Maker on an open opportunity over var(\'decision_maker_min_open_opportunity_usd\') USD'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_stalled_pipeline_contacts': {
            'description': 'Stalled pipeline (people): everyone related to an account assigned to seg_accounts_stalled_pipeline, for a re-engagement sequence.',
            'owner': 'Sales operations',
            'grain': 'person',
            'conditions': {
                'at_a_stalled_account': 'related to an account assigned to seg_accounts_stalled_pipeline'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_target_account_list': {
            'description': 'Target account list: people on the Marketo static list named var(\'target_account_list_name\') (default \'Q3 Target Accounts\'), for ads and direct mail.',
            'owner': 'Marketing operations',
            'grain': 'person',
            'conditions': {
                'on_target_account_list': 'a member of the marketing list named var(\'target_account_list_name\')'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_upsell_decision_makers': {
            'description': 'Upsell decision makers: people assigned to seg_new_product_upsell who are Decision Maker on at least one open opportunity, the people sales should call first.',
            'owner': 'Sales operations',
            'grain': 'person',
            'conditions': {
                'in_new_product_upsell': 'assigned to seg_new_product_upsell',
                'decision_maker_on_open_opportunity': 'Decision Maker on at least one open opportunity'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        },
        'seg_webinar_responders': {
            'description': 'Webinar responders: people who responded to (attended) a campaign named like var(\'webinar_campaign_pattern\') (case-insensitive), for the follow-up nurture.',
            'owner': 'Marketing operations',
            'grain': 'person',
            'conditions': {
                'responded_to_a_webinar': 'responded to a campaign named like var(\'webinar_campaign_pattern\')'
            },
            'activation': [],
            'priority_group': none,
            'priority': none,
            'split': none,
            'exclude': []
        }
    }) }}
{%- endmacro %}
