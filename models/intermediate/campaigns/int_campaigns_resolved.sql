-- One row per source campaign record (a Salesforce campaign or a Marketo program) with its unified campaign_id.
-- A Marketo program whose sfdc_campaign_id names an existing Salesforce campaign is that campaign synced into
-- Marketo: it takes the campaign's id, hash('salesforce:' || campaign id). Every other program is a campaign of its
-- own, hash('marketo:' || program id). Used by dim_campaigns and by fct_campaign_members (program -> campaign).
with

salesforce_campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

marketo_programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

salesforce_records as (
    select
        'salesforce' as source_system,
        campaign_id as source_campaign_id,
        campaign_id as salesforce_campaign_id,
        updated_at
    from salesforce_campaigns
),

marketo_records as (
    select
        'marketo' as source_system,
        marketo_programs.program_id as source_campaign_id,
        salesforce_campaigns.campaign_id as salesforce_campaign_id,
        marketo_programs.updated_at
    from marketo_programs
    left join salesforce_campaigns on marketo_programs.sfdc_campaign_id = salesforce_campaigns.campaign_id
),

unioned as (
    select * from salesforce_records
    union all
    select * from marketo_records
),

final as (
    select
        source_system,
        source_campaign_id,
        {{ dbt.hash(
            "case when salesforce_campaign_id is not null then "
            ~ dbt.concat(["'salesforce:'", 'salesforce_campaign_id'])
            ~ " else " ~ dbt.concat(["'marketo:'", 'source_campaign_id']) ~ " end"
        ) }} as campaign_id,
        salesforce_campaign_id,
        salesforce_campaign_id is not null as is_salesforce_campaign,
        updated_at
    from unioned
)

select * from final
