-- Every segment's members in one table, so activation reads one place whatever the segment.
-- A new segment model is added to `segment_models` below (it must have person_id, email, is_marketable).
{%- set segment_models = [
    'seg_new_product_upsell',
    'seg_stalled_pipeline_contacts',
    'seg_open_opportunity_decision_makers',
    'seg_webinar_responders',
    'seg_target_account_list',
    'seg_upsell_decision_makers',
] %}

with

unioned as (
    {% for segment in segment_models -%}
        select
            '{{ segment }}' as segment_name,
            person_id,
            email,
            is_marketable
        from {{ ref(segment) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor -%}
)

select * from unioned
