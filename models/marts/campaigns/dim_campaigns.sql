with

campaigns_resolved as (
    select * from {{ ref('int_campaigns_resolved') }}
),

salesforce_campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

marketo_programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

-- The programs of each unified campaign; the most recently updated one (then the smallest id) represents them.
ranked_programs as (
    select
        campaigns_resolved.campaign_id,
        campaigns_resolved.is_salesforce_campaign,
        marketo_programs.program_id,
        marketo_programs.program_name,
        marketo_programs.program_type,
        marketo_programs.channel,
        row_number() over (
            partition by campaigns_resolved.campaign_id
            order by marketo_programs.updated_at desc nulls last, marketo_programs.program_id asc
        ) as program_rank
    from marketo_programs
    inner join campaigns_resolved
        on campaigns_resolved.source_system = 'marketo'
        and marketo_programs.program_id = campaigns_resolved.source_campaign_id
),

campaign_updates as (
    select
        campaign_id,
        max(updated_at) as updated_at
    from campaigns_resolved
    group by campaign_id
),

-- Salesforce is the system of record for a synced campaign; the program adds its id and channel.
salesforce_rows as (
    select
        campaigns_resolved.campaign_id,
        'salesforce' as source_system,
        salesforce_campaigns.campaign_id as salesforce_campaign_id,
        ranked_programs.program_id as marketo_program_id,
        coalesce(salesforce_campaigns.campaign_name, ranked_programs.program_name) as campaign_name,
        salesforce_campaigns.campaign_type,
        ranked_programs.channel,
        salesforce_campaigns.campaign_status as status,
        salesforce_campaigns.start_date,
        salesforce_campaigns.end_date,
        salesforce_campaigns.is_active
    from salesforce_campaigns
    inner join campaigns_resolved
        on campaigns_resolved.source_system = 'salesforce'
        and salesforce_campaigns.campaign_id = campaigns_resolved.source_campaign_id
    left join ranked_programs
        on campaigns_resolved.campaign_id = ranked_programs.campaign_id
        and ranked_programs.program_rank = 1
),

marketo_rows as (
    select
        campaign_id,
        'marketo' as source_system,
        cast(null as {{ dbt.type_string() }}) as salesforce_campaign_id,
        program_id as marketo_program_id,
        program_name as campaign_name,
        program_type as campaign_type,
        channel,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as date) as start_date,
        cast(null as date) as end_date,
        cast(null as {{ dbt.type_boolean() }}) as is_active
    from ranked_programs
    where not is_salesforce_campaign
),

unioned as (
    select * from salesforce_rows
    union all
    select * from marketo_rows
),

final as (
    select
        unioned.campaign_id,
        unioned.source_system,
        unioned.salesforce_campaign_id,
        unioned.marketo_program_id,
        unioned.campaign_name,
        unioned.campaign_type,
        unioned.channel,
        unioned.status,
        unioned.start_date,
        unioned.end_date,
        unioned.is_active,
        campaign_updates.updated_at
    from unioned
    inner join campaign_updates on unioned.campaign_id = campaign_updates.campaign_id
)

select * from final
