"""The Salesforce tables of the base set (raw_salesforce): accounts, contacts, leads, opportunities and contact
roles, account-contact relations, campaigns and their members, currencies. Each function returns a table's SQL over
the world model (world.py)."""

from __future__ import annotations

from cdp_dev.generator.rows import (
    HISTORY_STAGE,
    WEBSITE,
    fivetran_active,
    dirty_kind,
    lead_website,
    missing_id_rows,
    multiline_name,
    older,
    record_email,
    resent_sync,
    variants,
)
from cdp_dev.generator.session import sql_list
from cdp_dev.generator.settings import US_PER_DAY, US_PER_MINUTE, Settings
from cdp_dev.generator.vocabulary import (
    CURRENCY_RATES,
    FREE_MAIL_DOMAINS,
    RESPONDED_STATUSES,
    UNRATED_CURRENCIES,
)


def account(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.account: the Salesforce accounts among the source accounts, named, with a website, phone and city
    as account_records.record_attributes made them."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with a0 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")}
            from g_source_account
            where is_sf
        ),
        a1 as (
            select
                *,
                {older('updated_us', 'sa', 352)} as at_us,
                case tier
                    when 'enterprise' then 1000 + cast(floor(g_rnd(353, sa) * 49000) as bigint)
                    when 'mid' then 100 + cast(floor(g_rnd(353, sa) * 900) as bigint)
                    else 5 + cast(floor(g_rnd(353, sa) * 95) as bigint)
                end as employees
            from a0
        )
        select
            source_id as id,
            record_name as name,
            case when website_missing then null else {WEBSITE} end as website,
            industry,
            employees as number_of_employees,
            round(employees * (100000 + g_rnd(355, sa) * 200000), -3) as annual_revenue,
            record_country as billing_country,
            billing_city,
            phone,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(356, sa) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(357, sa * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            sa as _k1, _v as _k2, 0 as _k3
        from a1
        union all by name
        {missing_id_rows(sizes['salesforce accounts'], f'''
            'Unknown Account ' || cast(i as varchar) as name,
            false as is_deleted,
            g_ts({t0} + g_rnd(358, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(358, i) * {ev - t0} + g_delay(g_rnd(359, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """


def contact(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.contact: one per person with a contact, dirty kinds, junk rows without an id."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with c0 as (
            select *, row_number() over (partition by protected order by contact_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_contact
        ),
        c1 as (
            select *, {dirty_kind('salesforce.contact', 320, 'contact_idx', 'n_rows', 'protected', 'pick_idx')} as dirt
            from c0
        ),
        c2 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from c1
        ),
        c3 as (
            select *, {older(f'{t0} + g_rnd(321, contact_idx) * {ev - t0}', 'contact_idx', 322)} as updated_us
            from c2
        )
        select
            contact_id as id,
            {record_email('salesforce.contact', 'email', 'domain', 'contact_idx', 323)} as email,
            dirt as _dirt,
            case when dirt = 'orphan_account_ref' then g_sfid('001', 9000000000 + contact_idx)
                else contact_account end as account_id,
            first_name,
            last_name,
            title,
            g_rnd(324, contact_idx) < 0.03 as has_opted_out_of_email,
            dirt = 'deleted' as is_deleted,
            g_ts(updated_us) as last_modified_date,
            g_ts(updated_us + g_rnd(325, contact_idx) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(updated_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(326, contact_idx * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            contact_idx as _k1, _v as _k2, 0 as _k3
        from c3
        union all by name
        {missing_id_rows(sizes['salesforce contacts'], f'''
            'no.id.' || cast(i as varchar) || '@' || g_pick({sql_list(FREE_MAIL_DOMAINS)}, g_rnd(327, i)) as email,
            false as is_deleted,
            g_ts({t0} + g_rnd(328, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(328, i) * {ev - t0} + g_delay(g_rnd(329, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """


def lead(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.lead: one per person with a Salesforce lead, some converted to its contact."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with l0 as (
            select *, row_number() over (partition by protected order by sflead_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_sflead
        ),
        l1 as (
            select *, {dirty_kind('salesforce.lead', 340, 'sflead_idx', 'n_rows', 'protected', 'pick_idx')} as dirt
            from l0
        ),
        l2 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from l1
        ),
        l3 as (
            select *, {older(f'{t0} + g_rnd(341, sflead_idx) * {ev - t0}', 'sflead_idx', 342)} as updated_us
            from l2
        )
        select
            sflead_id as id,
            {record_email('salesforce.lead', 'email', 'domain', 'sflead_idx', 343)} as email,
            dirt as _dirt,
            first_name,
            last_name,
            company,
            {lead_website('salesforce.lead', 'sflead_idx', 1130)} as website,
            title,
            sflead_converted or dirt = 'orphan_contact_ref' as is_converted,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9100000000 + sflead_idx)
                when sflead_converted then contact_id end as converted_contact_id,
            case when sflead_converted or dirt = 'orphan_contact_ref' then contact_account end
                as converted_account_id,
            g_rnd(344, sflead_idx) < 0.03 as has_opted_out_of_email,
            dirt = 'deleted' as is_deleted,
            g_ts(updated_us) as last_modified_date,
            g_ts(updated_us + g_rnd(345, sflead_idx) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(updated_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(346, sflead_idx * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            sflead_idx as _k1, _v as _k2, 0 as _k3
        from l3
        union all by name
        {missing_id_rows(sizes['salesforce leads'], f'''
            'lead.no.id.' || cast(i as varchar) || '@' || g_pick({sql_list(FREE_MAIL_DOMAINS)}, g_rnd(347, i)) as email,
            false as is_deleted,
            g_ts({t0} + g_rnd(348, i) * {ev - t0}) as last_modified_date,
            g_ts({t0} + g_rnd(348, i) * {ev - t0} + g_delay(g_rnd(349, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """


def opportunity(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.opportunity: the Salesforce deals (1 % of the names with a second line)."""
    return f"""
        with o0 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")}
            from g_opp
            where system = 'salesforce'
        ),
        o1 as (
            select *, {older('updated_us', 'os', 372)} as at_us, _v = 1 and dirt = 'history_version' as was_open
            from o0
        )
        select
            opp_id as id,
            case
                when dirt = 'orphan_account_ref' then g_sfid('001', 9200000000 + os)
                when dirt = 'missing_required_id' then null
                else source_account
            end as account_id,
            case when dirt = 'negative_amount' then -amount else amount end as amount,
            case when was_open then false else status = 'won' end as is_won,
            {multiline_name('opp_name', 'sys_idx')} as name,
            case when was_open then {HISTORY_STAGE} else stage end as stage_name,
            case when was_open then false else status <> 'open' end as is_closed,
            cast(g_ts(close_us) as date) as close_date,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(373, os) * {10 * US_PER_MINUTE}) as system_modstamp,
            currency as currency_iso_code,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(374, os * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            os as _k1, _v as _k2, 0 as _k3
        from o1
    """


def opportunity_contact_role(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.opportunity_contact_role: the contacts' roles on deals."""
    return f"""
        with r0 as (
            select r.*, pe.contact_id,
                {dirty_kind('salesforce.opportunity_contact_role', 390, 'r.role_serial', 'r.role_n', 'r.forced',
                       'r.role_idx')} as dirt
            from g_sf_role as r
            inner join g_person as pe on pe.contact_idx = r.contact_idx
        ),
        r1 as (
            select *, {variants("dirt = 'duplicate_id'")} from r0
        )
        select
            case when dirt = 'orphan_opportunity_ref' then g_sfid('006', 9300000000 + role_serial) else opp_id end
                as opportunity_id,
            case
                when dirt = 'orphan_contact_ref' then g_sfid('003', 9300000000 + role_serial)
                when dirt = 'missing_required_id' then null
                else contact_id
            end as contact_id,
            g_sfid('00K', role_serial) as id,
            role,
            m = 0 as is_primary,
            dirt = 'deleted' as is_deleted,
            {resent_sync('updated_us', 'role_serial', 391)} as _fivetran_synced,
            true as _fivetran_active,
            role_serial as _k1, _v as _k2, 0 as _k3
        from r1
    """


def account_contact_relation(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.account_contact_relation: contacts related to their own and to a second account."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with r0 as (
            select *, {dirty_kind('salesforce.account_contact_relation', 410, 'acr_idx', 'acr_n')} as dirt from g_acr
        ),
        r1 as (
            select *, {variants("dirt = 'duplicate_id'")}, {t0} + g_rnd(411, acr_serial) * {ev - t0} as at_us
            from r0
        )
        select
            case
                when dirt = 'orphan_account_ref' then g_sfid('001', 9400000000 + acr_serial)
                when dirt = 'missing_required_id' then null
                else account_id
            end as account_id,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9400000000 + acr_serial) else contact_id end
                as contact_id,
            g_sfid('07k', acr_serial) as id,
            g_pick({sql_list([None, None, 'Technical Buyer', 'Decision Maker', 'Influencer', 'Business User'])},
                g_rnd(412, acr_serial)) as roles,
            is_direct,
            is_active,
            dirt = 'deleted' as is_deleted,
            {resent_sync('at_us', 'acr_serial', 413)} as _fivetran_synced,
            true as _fivetran_active,
            acr_serial as _k1, _v as _k2, 0 as _k3
        from r1
    """


def campaign(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.campaign: campaigns (every third named '... Webinar')."""
    s = settings
    return f"""
        with c0 as (
            select *, {dirty_kind('salesforce.campaign', 420, 'k', str(s.campaigns))} as dirt from g_campaign
        ),
        c1 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from c0
        ),
        c2 as (
            select *, {older('updated_us', 'k', 421)} as at_us from c1
        )
        select
            campaign_id as id,
            name,
            ctype as type,
            case when _v = 1 then 'Planned' else status end as status,
            cast(g_ts(start_us) as date) as start_date,
            cast(g_ts(end_us) as date) as end_date,
            status = 'In Progress' and _v = 0 as is_active,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(422, k) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(423, k * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from c2
    """


def campaign_member(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.campaign_member: contacts and leads in campaigns, with their status."""
    ev, day = settings.event_max_us, US_PER_DAY
    return f"""
        with m0 as (
            select *, {dirty_kind('salesforce.campaign_member', 430, 'cm_idx', 'cm_n')} as dirt from g_cm
        ),
        m1 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from m0
        ),
        m2 as (
            select
                *,
                case when _v = 1 then 'Sent' else status end as member_status,
                {older(f'least({ev}, created_us + g_rnd(431, cm_serial) * 10 * {day})', 'cm_serial', 432)}
                    as at_us
            from m1
        )
        select
            g_sfid('00v', cm_serial) as id,
            case
                when dirt = 'orphan_campaign_ref' then g_sfid('701', 9500000000 + cm_serial)
                when dirt = 'missing_required_id' then null
                else campaign_id
            end as campaign_id,
            case
                when dirt = 'orphan_lead_ref' then g_sfid('00Q', 9500000000 + cm_serial)
                when dirt = 'orphan_contact_ref' then null
                else member_lead_id
            end as lead_id,
            case
                when dirt = 'orphan_contact_ref' then g_sfid('003', 9500000000 + cm_serial)
                when dirt = 'orphan_lead_ref' then null
                else contact_id
            end as contact_id,
            member_status as status,
            member_status in {tuple(RESPONDED_STATUSES)} as has_responded,
            g_ts(created_us) as created_date,
            dirt = 'deleted' as is_deleted,
            g_ts(at_us) as last_modified_date,
            g_ts(at_us + g_rnd(433, cm_serial) * {10 * US_PER_MINUTE}) as system_modstamp,
            g_ts(at_us + {10 * US_PER_MINUTE} + g_delay(g_rnd(434, cm_serial * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            cm_serial as _k1, _v as _k2, 0 as _k3
        from m2
    """


def currency_type(settings: Settings, sizes: dict[str, int]) -> str:
    """salesforce.currency_type: a fixed list (USD corporate; CHF inactive, BRL without a rate, ZAR at 0; EUR re-sent
    with an older rate; an older GBP version under history mode)."""
    ev, day = settings.event_max_us, US_PER_DAY
    rates = [("USD", 1.0, True, True, 400, True, 0)]
    rates += [(code, rate, False, True, 30, True, 0) for code, rate in CURRENCY_RATES.items()]
    rates += [("CHF", UNRATED_CURRENCIES["CHF"], False, False, 200, True, 0), ("BRL", None, False, True, 60, True, 0),
              ("ZAR", 0.0, False, True, 90, True, 0), ("EUR", 0.91, False, True, 120, True, 1),
              ("GBP", 0.81, False, True, 150, False, 1)]
    values = ", ".join(
        f"('{code}', {'null' if rate is None else rate}::double, {corporate}, {active}, {days_ago}, {current}, {v})"
        for code, rate, corporate, active, days_ago, current, v in rates)
    return f"""
        select
            code as iso_code,
            rate as conversion_rate,
            corporate as is_corporate,
            active as is_active,
            g_ts({ev} - days_ago * {day}) as last_modified_date,
            g_ts({ev} - days_ago * {day}) as system_modstamp,
            g_ts({ev} - days_ago * {day} + {15 * US_PER_MINUTE}) as _fivetran_synced,
            current as _fivetran_active,
            code as _k1, v as _k2, 0 as _k3
        from (values {values}) as t(code, rate, corporate, active, days_ago, current, v)
    """


TABLES = {  # table -> the function of its SQL
    "account": account,
    "contact": contact,
    "lead": lead,
    "opportunity": opportunity,
    "opportunity_contact_role": opportunity_contact_role,
    "account_contact_relation": account_contact_relation,
    "campaign": campaign,
    "campaign_member": campaign_member,
    "currency_type": currency_type,
}


def tables(settings: Settings, sizes: dict[str, int]) -> dict[tuple[str, str], str]:
    """("salesforce", table) -> the SQL of each salesforce table of the base set (sizes: the world model's)."""
    return {("salesforce", name): make(settings, sizes) for name, make in TABLES.items()}
