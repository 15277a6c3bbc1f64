with

programs as (
    select * from {{ ref('base_marketo__programs') }}
    where _disposition = 'staged'
),

final as (
    select
        -- ids
        program_id,
        sfdc_campaign_id,

        -- attributes
        program_name,
        program_type,
        channel,

        -- timestamps
        created_at,
        updated_at
    from programs
)

select * from final
