with

records as (
    select * from {{ ref('int_person_records_unioned') }}
),

persons_resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

final as (
    select
        records.source_system,
        records.source_object,
        records.source_id,
        persons_resolved.person_id,
        records.email,
        records.updated_at
    from records
    inner join persons_resolved on records.record_key = persons_resolved.record_key
)

select * from final
