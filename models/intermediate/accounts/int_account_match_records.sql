-- The records account matching compares, one row each: every source account (Salesforce account, Marketo company)
-- and every MDM golden account, with the values the model reads, normalised (macros/matching/normalize_account.sql).
-- A record's domain is its web site's; without one, the work-email domain most of its people use (never a
-- free-mail domain). mdm_node_key is the group a record is in before matching: its golden account when the MDM maps
-- it, else the record itself.
with

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

accounts_mapped as (
    select * from {{ ref('int_account_mappings_ranked') }}
    where mapping_rank = 1
),

golden_accounts as (
    select * from {{ ref('stg_mdm__golden_accounts') }}
),

contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

marketo_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

free_email_domains as (
    select domain from {{ ref('free_email_domains') }}
),

people_emails as (
    select
        {{ account_record_key("'salesforce'", 'account_id') }} as account_record_key,
        split_part(email, '@', 2) as domain
    from contacts
    where account_id is not null and email is not null

    union all

    select
        {{ account_record_key("'marketo'", 'company_id') }} as account_record_key,
        split_part(email, '@', 2) as domain
    from marketo_leads
    where company_id is not null and email is not null
),

people_domains_ranked as (
    select
        people_emails.account_record_key,
        people_emails.domain,
        row_number() over (
            partition by people_emails.account_record_key
            order by count(*) desc, people_emails.domain asc
        ) as domain_rank
    from people_emails
    left join free_email_domains on people_emails.domain = free_email_domains.domain
    where free_email_domains.domain is null
    group by people_emails.account_record_key, people_emails.domain
),

source_records as (
    select
        account_records.account_record_key as match_record_key,
        account_records.source_system as record_source,
        coalesce(
            {{ dbt.concat(["'mdm:'", 'accounts_mapped.golden_account_id']) }}, account_records.account_record_key
        ) as mdm_node_key,
        account_records.account_name,
        case
            when account_records.domain is not null and free_email_domains.domain is null then account_records.domain
            else people_domains_ranked.domain
        end as domain,
        case
            when account_records.domain is not null and free_email_domains.domain is null then 'website'
            when people_domains_ranked.domain is not null then 'people_emails'
        end as domain_source,
        account_records.country,
        account_records.city,
        account_records.phone
    from account_records
    left join accounts_mapped
        on account_records.source_system = accounts_mapped.source_system
        and account_records.source_account_id = accounts_mapped.source_account_id
    left join free_email_domains on account_records.domain = free_email_domains.domain
    left join people_domains_ranked
        on account_records.account_record_key = people_domains_ranked.account_record_key
        and people_domains_ranked.domain_rank = 1
),

golden_records as (
    select
        {{ account_record_key("'mdm'", 'golden_accounts.golden_account_id') }} as match_record_key,
        'mdm' as record_source,
        {{ account_record_key("'mdm'", 'golden_accounts.golden_account_id') }} as mdm_node_key,
        golden_accounts.account_name,
        case when free_email_domains.domain is null then golden_accounts.domain end as domain,
        case when golden_accounts.domain is not null and free_email_domains.domain is null then 'website' end
            as domain_source,
        golden_accounts.country,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as phone
    from golden_accounts
    left join free_email_domains on golden_accounts.domain = free_email_domains.domain
),

unioned as (
    select * from source_records
    union all
    select * from golden_records
),

normalised as (
    select
        match_record_key,
        record_source,
        mdm_node_key,
        account_name,
        {{ normalize_company_name('account_name') }} as name_normalised,
        domain,
        domain_source,
        {{ normalize_place('country') }} as country,
        {{ normalize_place('city') }} as city,
        {{ normalize_phone('phone') }} as phone
    from unioned
),

final as (
    select
        match_record_key,
        record_source,
        mdm_node_key,
        account_name,
        name_normalised,
        -- (Spark's cardinality of a null array is -1, not null.)
        case when name_normalised is not null then cardinality(array_distinct(split(name_normalised, ' '))) end
            as name_token_count,
        domain,
        domain_source,
        country,
        city,
        phone
    from normalised
)

select * from final
