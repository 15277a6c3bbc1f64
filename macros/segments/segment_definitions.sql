{#
    Every segment's definition, declared once. The segment model filters on it (segment_where), segment_summary
    counts who passes each condition (segment_condition_checks), and segment_definitions stores the rendered SQL
    so that scripts/explain.py evaluates exactly the same conditions for one person. A definition:

      source      the traits model the conditions read (one row per `key`)
      key         person_id or account_id
      conditions  list of {name, description, value: SQL of the fact shown to people, passes: SQL predicate}

    Conditions are plain SQL over one row of the source (its as_of_at column is the point in time), so evaluating
    them for one person gives the same answer as the segment model.
#}
{% macro segment_definitions() -%}
    {%- set upsell_window = number_var('upsell_visit_window_days', minimum=0) -%}
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


{# The WHERE predicate of a segment: all its conditions. #}
{% macro segment_where(segment_name) -%}
    {%- for condition in segment_definition(segment_name).conditions -%}
        ({{ condition.passes }}){{ " and " if not loop.last }}
    {%- endfor -%}
{%- endmacro %}
