{{ cdp.segment(
    description="Webinar responders: people who responded to (attended) a campaign named like
        var('webinar_campaign_pattern') (case-insensitive), for the follow-up nurture.",
    owner='Marketing operations',
    grain='person',
    conditions={
        'responded_to_a_webinar': "responded to a campaign named like var('webinar_campaign_pattern')",
    },
) }}

with

persons as (
    select * from {{ ref('person_traits') }}
),

campaign_members as (
    select * from {{ ref('fct_campaign_members') }}
),

campaigns as (
    select * from {{ ref('dim_campaigns') }}
),

webinar_responses as (
    select
        campaign_members.person_id,
        count(*) as webinar_response_count
    from campaign_members
    inner join campaigns on campaign_members.campaign_id = campaigns.campaign_id
    where
        campaign_members.has_responded
        and lower(campaigns.campaign_name) like lower({{ like_pattern_var('webinar_campaign_pattern') }})
    group by campaign_members.person_id
),

final as (
    select
        persons.person_id,
        webinar_responses.person_id is not null as responded_to_a_webinar,
        coalesce(webinar_responses.webinar_response_count, 0) as webinar_response_count
    from persons
    left join webinar_responses on persons.person_id = webinar_responses.person_id
)

select * from final
