with

list_memberships as (
    select * from {{ ref('stg_marketo__list_memberships') }}
),

static_lists as (
    select * from {{ ref('stg_marketo__static_lists') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

-- Memberships of a list that does not exist (orphan_list_ref) or of an unknown lead (orphan_lead_ref) are left out.
memberships as (
    select
        {{ dbt.hash(dbt.concat(["'marketo:'", 'static_lists.list_id'])) }} as list_id,
        persons_resolved.person_id,
        list_memberships.added_at
    from list_memberships
    inner join static_lists on list_memberships.list_id = static_lists.list_id
    inner join persons_resolved
        on {{ person_record_key("'marketo'", "'lead'", 'list_memberships.lead_id') }} = persons_resolved.record_key
),

-- Several leads of one person on the same list are one member, since the first of them was added.
final as (
    select
        list_id,
        person_id,
        min(added_at) as added_at
    from memberships
    group by list_id, person_id
)

select * from final
