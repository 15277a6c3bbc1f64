-- A view, like fct_web_visits: the activities are kept incrementally at source-record grain (the base models), and
-- the person is attached when the fact is read, so it is always this run's identity resolution.
{{ config(materialized='view') }}

with

-- Visits come from fct_web_visits, so that a visit has the same person and time in both facts.
web_visits as (
    select * from {{ ref('fct_web_visits') }}
),

form_fills as (
    select * from {{ ref('stg_marketo__form_fills') }}
),

email_opens as (
    select * from {{ ref('stg_marketo__email_opens') }}
),

email_clicks as (
    select * from {{ ref('stg_marketo__email_clicks') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

-- Form fills and email activities; an activity of an unknown lead keeps a null person_id (orphan_lead_ref).
lead_activities as (
    select
        'form_fill' as activity_type,
        form_fill_id as source_activity_id,
        lead_id as source_lead_id,
        filled_at as occurred_at,
        page_url as detail
    from form_fills

    union all

    select
        'email_open' as activity_type,
        email_open_id as source_activity_id,
        lead_id as source_lead_id,
        opened_at as occurred_at,
        email_name as detail
    from email_opens

    union all

    select
        'email_click' as activity_type,
        email_click_id as source_activity_id,
        lead_id as source_lead_id,
        clicked_at as occurred_at,
        email_name as detail
    from email_clicks
),

activities as (
    select
        'web_visit' as activity_type,
        person_id,
        source_visit_id as source_activity_id,
        source_lead_id,
        visited_at as occurred_at,
        page_url as detail
    from web_visits

    union all

    select
        lead_activities.activity_type,
        persons_resolved.person_id,
        lead_activities.source_activity_id,
        lead_activities.source_lead_id,
        lead_activities.occurred_at,
        lead_activities.detail
    from lead_activities
    left join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'lead_activities.source_lead_id') }}
        = persons_resolved.record_key
),

final as (
    select
        {{ dbt.hash(dbt.concat(['activity_type', "':'", 'source_activity_id'])) }} as activity_id,
        activity_type,
        person_id,
        'marketo' as source_system,
        source_activity_id,
        source_lead_id,
        occurred_at,
        detail
    from activities
)

select * from final
