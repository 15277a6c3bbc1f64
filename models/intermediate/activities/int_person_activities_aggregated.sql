-- One row per unified person with activity: the activity facts of person_traits and account_traits, as of
-- var('as_of'). The leads' facts (int_lead_activities_aggregated) added up over the person each lead belongs to in
-- this run's identity resolution, so a merge or split of persons is reflected at once (counts add up, the latest
-- time wins). Rebuilt in full every run: one row per lead read, no activity rows.
with

lead_activities as (
    select * from {{ ref('int_lead_activities_aggregated') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

final as (
    select
        persons_resolved.person_id,
        max(lead_activities.last_activity_at) as last_activity_at,
        max(lead_activities.last_web_visit_at) as last_web_visit_at,
        max(lead_activities.last_form_fill_at) as last_form_fill_at,
        max(lead_activities.last_email_open_at) as last_email_open_at,
        max(lead_activities.last_email_click_at) as last_email_click_at,
        cast(sum(lead_activities.activity_count_7d) as {{ dbt.type_bigint() }}) as activity_count_7d,
        cast(sum(lead_activities.activity_count_30d) as {{ dbt.type_bigint() }}) as activity_count_30d,
        cast(sum(lead_activities.activity_count_90d) as {{ dbt.type_bigint() }}) as activity_count_90d,
        cast(sum(lead_activities.web_visit_count_7d) as {{ dbt.type_bigint() }}) as web_visit_count_7d,
        cast(sum(lead_activities.web_visit_count_30d) as {{ dbt.type_bigint() }}) as web_visit_count_30d,
        cast(sum(lead_activities.web_visit_count_90d) as {{ dbt.type_bigint() }}) as web_visit_count_90d
    from lead_activities
    inner join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'lead_activities.lead_id') }} = persons_resolved.record_key
    group by persons_resolved.person_id
)

select * from final
