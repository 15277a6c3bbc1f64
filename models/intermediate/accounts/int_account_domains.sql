-- Every web domain known for a unified account (from any of its source accounts or its MDM golden record), one row
-- per account and domain, for matching leads to accounts by email domain. Free-mail domains are left out.
with

account_records as (
    select * from {{ ref('int_account_records_unioned') }}
),

accounts_resolved as (
    select * from {{ ref('int_accounts_resolved') }}
),

golden_accounts as (
    select * from {{ ref('stg_mdm__golden_accounts') }}
),

free_email_domains as (
    select domain from {{ ref('free_email_domains') }}
),

domains as (
    select
        accounts_resolved.account_id,
        account_records.domain
    from account_records
    inner join accounts_resolved on account_records.account_record_key = accounts_resolved.account_record_key
    where account_records.domain is not null

    union

    select
        accounts_resolved.account_id,
        golden_accounts.domain
    from golden_accounts
    inner join accounts_resolved on golden_accounts.golden_account_id = accounts_resolved.golden_account_id
    where golden_accounts.domain is not null
),

final as (
    select
        domains.account_id,
        domains.domain
    from domains
    left join free_email_domains on domains.domain = free_email_domains.domain
    where free_email_domains.domain is null
)

select * from final
