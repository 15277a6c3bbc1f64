-- What activation may send: one row per segment and member (assignment 'member': never the split's holdout) who is
-- marketable and has an email, with the person fields every destination takes. The consent rule lives here, once;
-- scripts/export_audience.py reads this model, and the generic tests only_marketable_persons and
-- only_unsuppressed_persons fail the build if a row here is not marketable or is on the suppression list.
with

membership as (
    select * from {{ ref('segment_membership') }}
),

persons as (
    select * from {{ ref('dim_persons') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

sendable as (
    select
        membership.segment_name,
        membership.person_id,
        trim(membership.email) as email,
        persons.first_name,
        persons.last_name,
        persons.company_name,
        persons.title as job_title,
        accounts.country
    from membership
    inner join persons on membership.person_id = persons.person_id
    left join accounts on persons.primary_account_id = accounts.account_id
    where
        membership.assignment = 'member'
        and persons.is_marketable
        and membership.email is not null
        and trim(membership.email) != ''
),

final as (
    select
        segment_name,
        person_id,
        email,
        -- Destinations key people by address, compared trimmed and case-insensitively.
        lower(email) as email_key,
        first_name,
        last_name,
        company_name,
        job_title,
        country
    from sendable
)

select * from final
