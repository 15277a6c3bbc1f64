-- Account audience: accounts with open pipeline over var('stalled_min_open_pipeline_usd') and no activity of any
-- related person in the var('stalled_inactive_days') days up to as_of (conditions: macro segment_definitions).
-- One row per account; seg_stalled_pipeline_contacts expands it to the people at these accounts.
with

traits as (
    select * from {{ ref('account_traits') }}
),

final as (
    select
        account_id,
        account_name,
        open_pipeline_usd,
        open_opportunity_count,
        last_activity_at,
        days_since_last_activity
    from traits
    where {{ segment_where('seg_accounts_stalled_pipeline') }}
)

select * from final
