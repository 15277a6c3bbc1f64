with

static_lists as (
    select * from {{ ref('stg_marketo__static_lists') }}
),

list_members as (
    select * from {{ ref('fct_marketing_list_members') }}
),

member_counts as (
    select
        list_id,
        count(*) as member_count
    from list_members
    group by list_id
),

lists as (
    select
        {{ dbt.hash(dbt.concat(["'marketo:'", 'list_id'])) }} as list_id,
        list_id as marketo_list_id,
        list_name,
        created_at,
        updated_at
    from static_lists
),

final as (
    select
        lists.list_id,
        lists.marketo_list_id,
        lists.list_name,
        lists.created_at,
        lists.updated_at,
        cast(coalesce(member_counts.member_count, 0) as {{ dbt.type_bigint() }}) as member_count
    from lists
    left join member_counts on lists.list_id = member_counts.list_id
)

select * from final
