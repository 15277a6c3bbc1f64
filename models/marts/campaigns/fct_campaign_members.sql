with

campaign_members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
),

program_memberships as (
    select * from {{ ref('stg_marketo__program_memberships') }}
),

campaigns_resolved as (
    select * from {{ ref('int_campaigns_resolved') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

-- A Salesforce member is a contact or a lead: the contact's person when the contact is known, else the lead's.
salesforce_memberships as (
    select
        campaigns_resolved.campaign_id,
        coalesce(contact_persons.person_id, lead_persons.person_id) as person_id,
        'salesforce' as source_system,
        campaign_members.campaign_member_id as source_membership_id,
        campaign_members.member_status,
        campaign_members.has_responded,
        campaign_members.created_at as joined_at,
        coalesce(campaign_members.updated_at, campaign_members.created_at) as changed_at
    from campaign_members
    inner join campaigns_resolved
        on campaigns_resolved.source_system = 'salesforce'
        and campaign_members.campaign_id = campaigns_resolved.source_campaign_id
    left join persons_resolved as contact_persons
        on {{ person_record_key("'salesforce'", "'contact'", 'campaign_members.contact_id') }}
        = contact_persons.record_key
    left join persons_resolved as lead_persons
        on {{ person_record_key("'salesforce'", "'lead'", 'campaign_members.lead_id') }}
        = lead_persons.record_key
),

-- A program synced to a Salesforce campaign adds its members to that campaign.
marketo_memberships as (
    select
        campaigns_resolved.campaign_id,
        persons_resolved.person_id,
        'marketo' as source_system,
        program_memberships.program_membership_id as source_membership_id,
        program_memberships.membership_status as member_status,
        program_memberships.has_reached_success as has_responded,
        program_memberships.joined_at,
        program_memberships.joined_at as changed_at
    from program_memberships
    inner join campaigns_resolved
        on campaigns_resolved.source_system = 'marketo'
        and program_memberships.program_id = campaigns_resolved.source_campaign_id
    left join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'program_memberships.lead_id') }}
        = persons_resolved.record_key
),

-- Memberships without a known person are left out (reported as orphan_contact_ref / orphan_lead_ref).
memberships as (
    select * from salesforce_memberships
    where person_id is not null

    union all

    select * from marketo_memberships
    where person_id is not null
),

ranked_memberships as (
    select
        *,
        row_number() over (
            partition by campaign_id, person_id
            order by
                changed_at desc nulls last,
                case when source_system = 'salesforce' then 0 else 1 end asc,
                source_membership_id asc
        ) as recency_rank
    from memberships
),

members as (
    select
        campaign_id,
        person_id,
        {{ survivor('member_status', 'recency_rank') }} as member_status,
        {{ dbt.bool_or('has_responded') }} as has_responded,
        min(joined_at) as first_joined_at,
        {{ dbt.bool_or("source_system = 'marketo'") }} as is_marketo_member,
        {{ dbt.bool_or("source_system = 'salesforce'") }} as is_salesforce_member
    from ranked_memberships
    group by campaign_id, person_id
),

final as (
    select
        campaign_id,
        person_id,
        member_status,
        has_responded,
        first_joined_at,
        concat_ws(
            ',',
            case when is_marketo_member then 'marketo' end,
            case when is_salesforce_member then 'salesforce' end
        ) as source_systems
    from members
)

select * from final
