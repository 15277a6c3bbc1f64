-- The persons lead-to-account matching looks for an account for, one row each: persons with a lead record that no
-- source relates to an account (a Marketo lead without a company, a Salesforce lead not converted). What they
-- are compared on (macros/matching/normalize_account.sql): the company name their lead gives, and a domain, their
-- work email's (never a free-mail domain), else the web site their lead gives. Where a person has several such
-- records, the largest value is taken, so the row does not depend on the order records are read in.
with

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

free_email_domains as (
    select domain from {{ ref('free_email_domains') }}
),

unattached_leads as (
    select
        {{ person_record_key("'marketo'", "'lead'", 'lead_id') }} as record_key,
        email,
        company_name,
        company_domain
    from marketo_leads
    where company_id is null

    union all

    select
        {{ person_record_key("'salesforce'", "'lead'", 'lead_id') }} as record_key,
        email,
        company_name,
        company_domain
    from salesforce_leads
    where not is_converted
),

lead_values as (
    select
        persons.person_id,
        {{ normalize_company_name('unattached_leads.company_name') }} as name_normalised,
        case when email_domains.domain is null then split_part(unattached_leads.email, '@', 2) end as email_domain,
        case when website_domains.domain is null then unattached_leads.company_domain end as website_domain
    from unattached_leads
    inner join persons on unattached_leads.record_key = persons.record_key
    left join free_email_domains as email_domains
        on split_part(unattached_leads.email, '@', 2) = email_domains.domain
    left join free_email_domains as website_domains on unattached_leads.company_domain = website_domains.domain
),

per_person as (
    select
        person_id,
        max(name_normalised) as name_normalised,
        coalesce(max(email_domain), max(website_domain)) as domain
    from lead_values
    group by person_id
),

final as (
    select
        person_id as match_record_key,
        name_normalised,
        -- (Spark's cardinality of a null array is -1, not null.)
        case when name_normalised is not null then cardinality(array_distinct(split(name_normalised, ' '))) end
            as name_token_count,
        domain,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as phone
    from per_person
    where name_normalised is not null or domain is not null
)

select * from final
