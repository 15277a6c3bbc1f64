{{ cdp.segment(
    description="Stalled pipeline (accounts): accounts with open pipeline (USD) over
        var('stalled_min_open_pipeline_usd') (default 500,000) and no activity of any related person in the
        var('stalled_inactive_days') days (default 90) up to as_of. Its persons: seg_stalled_pipeline_contacts.",
    owner='Sales operations',
    grain='account',
    conditions={
        'open_pipeline_over_threshold': "open pipeline (USD) over var('stalled_min_open_pipeline_usd')",
        'no_activity_recently':
            "no activity of any related person in the var('stalled_inactive_days') days up to as_of",
    },
) }}

with

accounts as (
    select * from {{ ref('account_traits') }}
),

final as (
    select
        account_id,
        open_pipeline_usd > {{ number_var('stalled_min_open_pipeline_usd') }} as open_pipeline_over_threshold,
        coalesce(days_since_last_activity, {{ number_var('stalled_inactive_days', minimum=0) }} + 1)
        > {{ number_var('stalled_inactive_days', minimum=0) }} as no_activity_recently,
        open_pipeline_usd,
        open_opportunity_count,
        last_activity_at,
        days_since_last_activity
    from accounts
)

select * from final
