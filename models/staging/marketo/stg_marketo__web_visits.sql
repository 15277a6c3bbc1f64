with

source as (
    {{ select_raw_columns('marketo', 'activity_visit_webpage') }}
),

renamed as (
    select
        -- ids
        id as visit_id,
        lead_id,

        -- attributes
        {{ clean_text('webpage_url') }} as page_url,
        {{ clean_text('primary_attribute_value') }} as page_name,
        {{ clean_text('query_parameters') }} as query_parameters,
        {{ clean_text('referrer_url') }} as referrer_url,

        -- timestamps
        activity_date as visited_at
    from source
    where {{ is_current_row(has_is_deleted=false) }}
)

select * from renamed
