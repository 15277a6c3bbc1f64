{#
    Every segment's definition, declared once. The segment model filters on it (segment_where), segment_summary
    counts who passes each condition (segment_condition_checks), and segment_definitions stores the rendered SQL
    so that scripts/explain.py evaluates exactly the same conditions for one person. A definition:

      source      the traits model the conditions read (one row per `key`)
      key         person_id, or account_id for account audiences (a person-level expansion of an account audience
                  shares its definition: a person is in when one of their accounts passes every condition)
      conditions  list of {name, description, value: SQL of the fact shown to people, passes: SQL predicate}

    Conditions are plain SQL over one row of the source (its as_of_at column is the point in time), so evaluating
    them for one person gives the same answer as the segment model.
#}
{% macro segment_definitions() -%}
    {%- set upsell_window = number_var('upsell_visit_window_days', minimum=0) -%}
    {%- set stalled_days = number_var('stalled_inactive_days', minimum=0) -%}
    {%- set stalled_accounts = {
        'source': 'account_traits',
        'key': 'account_id',
        'conditions': [
            {
                'name': 'open_pipeline_over_threshold',
                'description': 'open pipeline (USD) over ' ~ number_var('stalled_min_open_pipeline_usd'),
                'value': 'open_pipeline_usd',
                'passes': 'open_pipeline_usd > ' ~ number_var('stalled_min_open_pipeline_usd'),
            },
            {
                'name': 'no_activity_recently',
                'description': 'no activity of any related person in the ' ~ stalled_days ~ ' days up to as_of',
                'value': 'days_since_last_activity',
                'passes': 'coalesce(days_since_last_activity, ' ~ stalled_days ~ ' + 1) > ' ~ stalled_days,
            },
        ],
    } -%}
    {{ return({
        'seg_new_product_upsell': {
            'source': 'person_traits',
            'key': 'person_id',
            'conditions': [
                {
                    'name': 'account_won_revenue_over_threshold',
                    'description': 'related to an account whose closed-won revenue (USD) is over '
                        ~ number_var('upsell_min_won_revenue_usd'),
                    'value': 'max_account_won_revenue_usd',
                    'passes': 'max_account_won_revenue_usd > ' ~ number_var('upsell_min_won_revenue_usd'),
                },
                {
                    'name': 'visited_new_product_page_recently',
                    'description': 'visited a page like ' ~ var('new_product_page_pattern')
                        ~ ' in the ' ~ upsell_window ~ ' days up to as_of',
                    'value': 'last_new_product_page_visit_at',
                    'passes': 'last_new_product_page_visit_at >= '
                        ~ dbt.dateadd('day', '-' ~ upsell_window, 'as_of_at'),
                },
            ],
        },
        'seg_accounts_stalled_pipeline': stalled_accounts,
        'seg_stalled_pipeline_contacts': stalled_accounts,
        'seg_open_opportunity_decision_makers': {
            'source': 'person_traits',
            'key': 'person_id',
            'conditions': [
                {
                    'name': 'decision_maker_on_large_open_opportunity',
                    'description': 'Decision Maker on an open opportunity over '
                        ~ number_var('decision_maker_min_open_opportunity_usd') ~ ' USD',
                    'value': 'max_open_opportunity_usd_as_decision_maker',
                    'passes': 'max_open_opportunity_usd_as_decision_maker > '
                        ~ number_var('decision_maker_min_open_opportunity_usd'),
                },
            ],
        },
        'seg_webinar_responders': {
            'source': 'person_traits',
            'key': 'person_id',
            'conditions': [
                {
                    'name': 'responded_to_a_webinar',
                    'description': 'responded to (attended) a campaign named like '
                        ~ var('webinar_campaign_pattern'),
                    'value': 'webinar_response_count',
                    'passes': 'webinar_response_count > 0',
                },
            ],
        },
        'seg_target_account_list': {
            'source': 'person_traits',
            'key': 'person_id',
            'conditions': [
                {
                    'name': 'on_target_account_list',
                    'description': 'a member of the marketing list ' ~ var('target_account_list_name'),
                    'value': 'is_on_target_account_list',
                    'passes': 'is_on_target_account_list',
                },
            ],
        },
        'seg_upsell_decision_makers': {
            'source': 'int_person_traits_upsell_flagged',
            'key': 'person_id',
            'conditions': [
                {
                    'name': 'in_new_product_upsell',
                    'description': 'a member of seg_new_product_upsell',
                    'value': 'is_in_seg_new_product_upsell',
                    'passes': 'is_in_seg_new_product_upsell',
                },
                {
                    'name': 'decision_maker_on_open_opportunity',
                    'description': 'Decision Maker on at least one open opportunity',
                    'value': 'open_opportunity_decision_maker_count',
                    'passes': 'open_opportunity_decision_maker_count > 0',
                },
            ],
        },
    }) }}
{%- endmacro %}


{# The definition of one segment, or a compile error naming the known segments. #}
{% macro segment_definition(segment_name) -%}
    {%- set definitions = segment_definitions() -%}
    {%- if segment_name not in definitions -%}
        {{ exceptions.raise_compiler_error(
            "No definition for segment '" ~ segment_name ~ "' in macro segment_definitions (known: "
            ~ (definitions.keys() | sort | join(', ')) ~ ")"
        ) }}
    {%- endif -%}
    {{ return(definitions[segment_name]) }}
{%- endmacro %}


{# The WHERE predicate of a segment: all its conditions; a condition that is null (a missing fact) fails.
   Each is wrapped in coalesce(...): besides spelling out the null rule, a WHERE that opens with "(" is read by
   Spark (non-ANSI) as a table alias "where" with column aliases. #}
{% macro segment_where(segment_name) -%}
    {%- for condition in segment_definition(segment_name).conditions -%}
        coalesce(({{ condition.passes }}), false){{ " and " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
