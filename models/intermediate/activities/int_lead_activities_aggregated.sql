-- One row per Marketo lead with activity: the activity facts of person_traits and account_traits, as of
-- var('as_of') (events after it do not count). The grain is the source record (the lead), not the person: a lead's
-- facts do not depend on identity resolution, and int_person_activities_aggregated adds up the leads of each person
-- as this run resolves them.
-- Incremental (README, "Incremental builds"; DECISIONLOG.md). Every row holds at the as_of of the previous run. A run
-- to a new as_of touches only:
--   - leads with activities the previous run never saw (ids the base models added since): their values plus the new
--     activities;
--   - leads with an activity that counts differently at the two as_of (it lies between them, or between the lower
--     bounds of a window): their values plus that difference (as_of moving forward), or recomputed (backward);
--   - leads named by any version of an id that changed (a re-sent activity): recomputed from all their activities.
-- Everything is recomputed when the base models were rebuilt since. A lead whose activities all went away keeps a
-- row of zeros. Facts here are generic (no segment's page, campaign or list): a segment declares its own event
-- conditions over the activity facts (macro segment).
{{ config(
    materialized='incremental',
    incremental_strategy=cdp.incremental_strategy(),
    unique_key='lead_id',
    on_schema_change='fail'
) }}

-- depends_on: {{ ref('base_marketo__web_visits') }}
-- depends_on: {{ ref('base_marketo__form_fills') }}
-- depends_on: {{ ref('base_marketo__email_opens') }}
-- depends_on: {{ ref('base_marketo__email_clicks') }}

{%- set incremental_run = cdp.is_incremental_run(is_incremental()) %}
{%- set window_days = [7, 30, 90] %}
{#- activity_type, base model, time column -#}
{%- set activity_models = [
    ('web_visit', 'base_marketo__web_visits', 'visited_at'),
    ('form_fill', 'base_marketo__form_fills', 'filled_at'),
    ('email_open', 'base_marketo__email_opens', 'opened_at'),
    ('email_click', 'base_marketo__email_clicks', 'clicked_at'),
] %}
{#- the facts: (column, condition on the activity, with {a} for the activity's table) -#}
{%- set last_at_columns = [
    ('last_activity_at', 'true'),
    ('last_web_visit_at', "{a}.activity_type = 'web_visit'"),
    ('last_form_fill_at', "{a}.activity_type = 'form_fill'"),
    ('last_email_open_at', "{a}.activity_type = 'email_open'"),
    ('last_email_click_at', "{a}.activity_type = 'email_click'"),
] %}
{%- set count_columns = [('activity_count', 'true'), ('web_visit_count', "{a}.activity_type = 'web_visit'")] %}
{#- the names of the window counts: <prefix>_<days>d -#}
{%- set count_names = [] %}
{%- for prefix, condition in count_columns %}
    {%- for days in window_days %}
        {%- do count_names.append(prefix ~ '_' ~ days ~ 'd') %}
    {%- endfor %}
{%- endfor %}

with

web_visits as (
    select * from {{ ref('stg_marketo__web_visits') }}
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

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

-- Every staged activity, of every type (the rows of fct_person_activities, before persons are attached).
activities as (
    select
        lead_id,
        'web_visit' as activity_type,
        visit_id as activity_id,
        visited_at as occurred_at
    from web_visits

    union all

    select
        lead_id,
        'form_fill' as activity_type,
        form_fill_id as activity_id,
        filled_at as occurred_at
    from form_fills

    union all

    select
        lead_id,
        'email_open' as activity_type,
        email_open_id as activity_id,
        opened_at as occurred_at
    from email_opens

    union all

    select
        lead_id,
        'email_click' as activity_type,
        email_click_id as activity_id,
        clicked_at as occurred_at
    from email_clicks
),

{% if incremental_run %}

    -- What the previous run computed with (its rows are the newest); every row of the table holds for it.
    previous_run as (
        select
            max(held.as_of_at) as as_of_at,
            max(held._processed_at) as processed_at
        from {{ this }} as held
        where held._processed_at = (select max(latest._processed_at) from {{ this }} as latest)
    ),

    -- When each base model was last built in full (its earliest _added_at).
    base_builds as (
        {% for activity_type, base_model, time_column in activity_models -%}
            select min(base_rows._added_at) as built_at
            from {{ ref(base_model) }} as base_rows
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    -- The two points in time the table moves between.
    as_of_shift as (
        select
            previous_run.as_of_at as previous_at,
            as_of.as_of_at as current_at,
            least(previous_run.as_of_at, as_of.as_of_at) as earlier_at,
            greatest(previous_run.as_of_at, as_of.as_of_at) as later_at,
            as_of.as_of_at >= previous_run.as_of_at as moves_forward,
            previous_run.processed_at is null
            or (select max(base_builds.built_at) from base_builds) > previous_run.processed_at as recompute_all
        from previous_run
        cross join as_of
    ),

    -- Every row (all versions, any disposition) of the ids the base models changed since the previous run.
    changed_rows as (
        {% for activity_type, base_model, time_column in activity_models -%}
            select
                base_rows.lead_id,
                '{{ activity_type }}' as activity_type,
                base_rows._replace_key as activity_id,
                base_rows.{{ time_column }} as occurred_at,
                base_rows._disposition = 'staged' as is_staged,
                base_rows._added_at > previous_run.processed_at as is_new_id
            from {{ ref(base_model) }} as base_rows
            cross join previous_run
            where base_rows._changed_at > previous_run.processed_at
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ),

    -- The activities of ids the previous run never saw: added to their lead's values.
    new_activities as (
        select
            lead_id,
            activity_type,
            activity_id,
            occurred_at
        from changed_rows
        where is_new_id and is_staged
    ),

    -- Activities the previous run counted that count differently now: between the two as_of (the upper bound of
    -- every fact), or between the two lower bounds of a window.
    shifted_activities as (
        select
            activities.lead_id,
            activities.activity_type,
            activities.occurred_at
        from activities
        cross join as_of_shift
        left join new_activities
            on
            activities.activity_type = new_activities.activity_type
            and activities.activity_id = new_activities.activity_id
        where
            new_activities.activity_id is null
            and (
                (activities.occurred_at > as_of_shift.earlier_at and activities.occurred_at <= as_of_shift.later_at)
                {%- for days in window_days %}
                    or (
                        activities.occurred_at >= {{ dbt.dateadd('day', -days, 'as_of_shift.earlier_at') }}
                        and activities.occurred_at < {{ dbt.dateadd('day', -days, 'as_of_shift.later_at') }}
                    )
                {%- endfor %}
            )
    ),

    -- Leads recomputed from all their activities: named by a version of an id that changed; with an activity that
    -- counts differently when as_of moves back (a later activity leaves the last times); all when recomputing all.
    recomputed_leads as (
        select changed_rows.lead_id
        from changed_rows
        where not changed_rows.is_new_id and changed_rows.lead_id is not null

        union

        select shifted_activities.lead_id
        from shifted_activities
        cross join as_of_shift
        where not as_of_shift.moves_forward

        union

        select activities.lead_id
        from activities
        cross join as_of_shift
        where as_of_shift.recompute_all

        union

        select held.lead_id
        from {{ this }} as held
        cross join as_of_shift
        where as_of_shift.recompute_all

        union

        -- one lead every run, so that the newest rows always carry this run's as_of (previous_run)
        select min(held.lead_id) as lead_id
        from {{ this }} as held
        having min(held.lead_id) is not null
    ),

    -- The other leads that change: the difference each new or shifted activity makes, counted at the current as_of
    -- minus counted at the previous one (an activity the previous run never saw counted nothing then).
    differences as (
        select
            new_activities.lead_id,
            new_activities.activity_type,
            new_activities.occurred_at,
            false as counted_before
        from new_activities

        union all

        select
            shifted_activities.lead_id,
            shifted_activities.activity_type,
            shifted_activities.occurred_at,
            true as counted_before
        from shifted_activities
        cross join as_of_shift
        where as_of_shift.moves_forward
    ),

    added as (
        select
            {%- for column, condition in last_at_columns %}
                max(
                    case
                        when {{ condition | replace('{a}', 'differences') }}
                            and differences.occurred_at <= as_of_shift.current_at
                            then differences.occurred_at
                    end
                ) as {{ column }},
            {%- endfor %}
            {%- for prefix, condition in count_columns %}
                {%- for days in window_days %}
                    sum(
                        {{ cdp.window_count_difference(
                            condition | replace('{a}', 'differences'), 'differences', days
                        ) }}
                    ) as {{ prefix }}_{{ days }}d,
                {%- endfor %}
            {%- endfor %}
            differences.lead_id
        from differences
        cross join as_of
        cross join as_of_shift
        left join recomputed_leads on differences.lead_id = recomputed_leads.lead_id
        where recomputed_leads.lead_id is null
        group by differences.lead_id
    ),

    added_rows as (
        select
            {%- for column, condition in last_at_columns %}
                {{ cdp.later_of('held.' ~ column, 'added.' ~ column) }} as {{ column }},
            {%- endfor %}
            {%- for column in count_names %}
                coalesce(held.{{ column }}, 0) + added.{{ column }} as {{ column }},
            {%- endfor %}
            added.lead_id
        from added
        left join {{ this }} as held on added.lead_id = held.lead_id
    ),

{% endif %}

recomputed_activities as (
    select activities.*
    from activities
    {%- if incremental_run %}
    inner join recomputed_leads on activities.lead_id = recomputed_leads.lead_id
    {%- endif %}
),

recomputed as (
    select
        {%- for column, condition in last_at_columns %}
            max(
                case
                    when {{ condition | replace('{a}', 'recomputed_activities') }}
                        then recomputed_activities.occurred_at
                end
            ) as {{ column }},
        {%- endfor %}
        {%- for prefix, condition in count_columns %}
            {{ activity_window_counts(
                'recomputed_activities.occurred_at', 'as_of.as_of_at', prefix=prefix,
                condition=condition | replace('{a}', 'recomputed_activities')
            ) }},
        {%- endfor %}
        recomputed_activities.lead_id
    from recomputed_activities
    cross join as_of
    where recomputed_activities.occurred_at <= as_of.as_of_at
    group by recomputed_activities.lead_id
),

-- A row for every recomputed lead (incremental runs: of zeros when it no longer has activity).
recomputed_rows as (
    select
        {%- for column, condition in last_at_columns %}
            recomputed.{{ column }},
        {%- endfor %}
        {%- for column in count_names %}
            coalesce(recomputed.{{ column }}, 0) as {{ column }},
        {%- endfor %}
        recomputed_keys.lead_id
    from {{ 'recomputed_leads' if incremental_run else 'recomputed' }} as recomputed_keys
    left join recomputed on recomputed_keys.lead_id = recomputed.lead_id
),

changed_leads as (
    select * from recomputed_rows
    {%- if incremental_run %}
        union all
        select * from added_rows
    {%- endif %}
),

final as (
    select
        changed_leads.lead_id,
        {%- for column, condition in last_at_columns %}
            changed_leads.{{ column }},
        {%- endfor %}
        {%- for column in count_names %}
            cast(changed_leads.{{ column }} as {{ dbt.type_bigint() }}) as {{ column }},
        {%- endfor %}
        as_of.as_of_at,
        {{ cdp.run_started_timestamp() }} as _processed_at
    from changed_leads
    cross join as_of
)

select * from final
