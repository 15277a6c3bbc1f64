-- A view: the visits are kept incrementally at source-record grain (base_marketo__web_visits, one row per raw row),
-- and the person is attached here, when the fact is read, from this run's identity resolution: a visit never carries
-- a person_id that a later merge or split made stale (README, "Incremental builds").
{{ config(materialized='view') }}

with

visits as (
    select * from {{ ref('stg_marketo__web_visits') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

final as (
    select
        {{ dbt.hash(dbt.concat(["'marketo:'", 'visits.visit_id'])) }} as visit_id,
        persons_resolved.person_id,
        'marketo' as source_system,
        visits.visit_id as source_visit_id,
        visits.lead_id as source_lead_id,
        visits.visited_at,
        visits.page_url,
        visits.page_name,
        visits.referrer_url
    from visits
    left join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'visits.lead_id') }} = persons_resolved.record_key
)

select * from final
