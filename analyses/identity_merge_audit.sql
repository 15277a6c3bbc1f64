-- An audit of identity resolution: the persons made of the most source records (Marketo leads, Salesforce contacts
-- and leads), and why their records merged. Answers "is this merge right?" One row per link that joined two records
-- of a person: the record, the record it links to, and the identity value both claim (an email, a Salesforce
-- contact or lead id: int_person_identity_claims). A person's records are every record its links reach
-- (int_persons_resolved), so a chain of links can join records that share no value directly. Values claimed by too
-- many records link nobody (var identity_max_records_per_value; marts.data_quality_issues lists them).
-- The largest var('identity_audit_persons') persons (default 25), largest first.
with

persons as (
    select * from {{ ref('dim_persons') }}
),

resolved as (
    select * from {{ ref('int_persons_resolved') }}
),

links as (
    select * from {{ ref('int_person_links') }}
),

claims as (
    select * from {{ ref('int_person_identity_claims') }}
),

merged_persons as (
    select
        person_id,
        max(component_size) as record_count
    from resolved
    group by person_id
    having max(component_size) > 1
),

ranked_persons as (
    select
        person_id,
        record_count,
        row_number() over (order by record_count desc, person_id asc) as person_rank
    from merged_persons
),

-- A link joins a record to the first record (by key) claiming the same value: the value is the claim they share.
link_evidence as (
    select
        resolved.person_id,
        links.record_key,
        links.linked_record_key,
        links.link_type,
        claims.identity_value as shared_value,
        claims.records_with_value
    from links
    inner join resolved on links.record_key = resolved.record_key
    inner join claims
        on
        links.record_key = claims.record_key
        and links.linked_record_key = claims.anchor_record_key
        and links.link_type = claims.identity_type
),

final as (
    select
        ranked_persons.person_rank,
        ranked_persons.person_id,
        persons.email as person_email,
        ranked_persons.record_count,
        link_evidence.record_key,
        link_evidence.linked_record_key,
        link_evidence.link_type,
        link_evidence.shared_value,
        link_evidence.records_with_value
    from ranked_persons
    inner join link_evidence on ranked_persons.person_id = link_evidence.person_id
    left join persons on ranked_persons.person_id = persons.person_id
    where ranked_persons.person_rank <= {{ var('identity_audit_persons', 25) | int }}
)

select * from final
order by person_rank, record_key, linked_record_key, link_type
