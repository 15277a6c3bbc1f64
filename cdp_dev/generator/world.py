"""The world model: temporary tables (g_*) of everything the raw tables are written from.

The unified companies ("accounts", g_account), their 1 to 3 source accounts (Salesforce accounts, Marketo
companies, g_source_account), ~10 persons per account with the records they have in each system (g_person),
the Marketo leads' activity counts (g_lead, g_activity_lead), opportunities (g_opp) and the accounts over $1M won
(g_big_key), roles (g_sf_role, g_mk_role), the persons who visit the new product page (g_target), campaigns,
programs and their members (g_campaign, g_program, g_cm, g_pm, g_lm), and account-contact relations (g_acr).
`range()` and `unnest(range(n))` expand rows: no Python loop ever touches a row.
"""

from __future__ import annotations

from cdp_dev.generator.account_records import account_phone_and_city, record_attributes
from cdp_dev.generator.activities import ACTIVITY_MIX, activity_totals
from cdp_dev.generator.rows import dirty_kind
from cdp_dev.generator.session import Session, sql_list
from cdp_dev.generator.settings import UPSELL_THRESHOLD_USD, US_PER_DAY, Settings
from cdp_dev.generator.vocabulary import (
    ADJECTIVES,
    CAMPAIGN_STATUSES,
    CAMPAIGN_TYPES,
    COUNTRIES,
    CURRENCY_RATES,
    DEAL_KINDS,
    FIRST_NAMES,
    FREE_MAIL_DOMAINS,
    INDUSTRIES,
    LAST_NAMES,
    NOUNS,
    OPEN_STAGES,
    OTHER_ROLES,
    PROGRAM_STATUSES,
    TITLES,
    TLDS,
    TOPICS,
    UNRATED_CURRENCIES,
)


def build_world(settings: Settings, con: Session, full: bool = True) -> dict[str, int]:
    """Create the g_* tables; returns their sizes (persons, leads, ..., and "activities <i>": the base activities
    of each activity table). Without `full`, only what activities need (no memberships)."""
    build_accounts(settings, con)
    _persons(settings, con)
    [(persons, leads, contacts, sf_leads)] = con.execute(
        "select count(*), count(lead_idx), count(contact_idx), count(sflead_idx) from g_person").fetchall()
    _leads(settings, con, persons, leads)
    _account_ranges(con)
    _opportunities(settings, con)
    _big_accounts(con)
    _contact_roles(con)
    _lead_roles(con)
    _targets(con)
    _campaigns_and_programs(settings, con)
    _activity_leads(con)
    sizes = {"accounts": settings.accounts, "persons": persons, "marketo leads": leads,
             "salesforce contacts": contacts, "salesforce leads": sf_leads}
    for name, sql in [
        ("salesforce accounts", "select count(*) from g_source_account where is_sf"),
        ("marketo companies", "select count(*) from g_source_account where not is_sf"),
        ("golden accounts", "select count(distinct a) from g_source_account where in_xw"),
        ("opportunities", "select count(*) from g_opp"),
        ("accounts over $1M won", "select count(*) from g_big_key"),
        ("new-product visitors at >$1M accounts", "select count(*) from g_target"),
    ]:
        [(sizes[name],)] = con.execute(sql).fetchall()
    totals, sizes["targeted visits"] = activity_totals(con)
    sizes.update({f"activities {index}": total for index, total in enumerate(totals)})
    if not full:
        return sizes
    _campaign_members(settings, con)
    _program_members(settings, con)
    _list_members(settings, con)
    _account_contact_relations(settings, con)
    return sizes


def build_accounts(settings: Settings, con: Session) -> None:
    """Only g_account and g_source_account: the companies and their source accounts (all the truth of account
    matching needs, see truth.py)."""
    _accounts(settings, con)
    _source_accounts(settings, con)


def _accounts(settings: Settings, con: Session) -> None:
    """g_account: the unified companies, each with its tier, kind (every 10th a "showcase", every 20th (offset 5)
    "stalled"), name, domain, phone and headquarters city, and the ids of its source accounts; offsets of its persons
    and deals.

    Names are "Adjective Noun", so many companies share a name (told apart by a numeric suffix in the domain and
    by their countries). Look-alikes for account matching (streams 1100-1116): ~4 % of the accounts (even ones,
    never a showcase or stalled one) have a short name, the adjective alone ("Apex" at apex.com, `short_name`), and
    the next account (odd, not stalled) then shares its first word under another domain ("Apex Labs" at
    apexlabs.io, `lookalike`): a different company with the same first token."""
    n = settings.accounts
    con.execute(f"""
        create table g_account as
        with a0 as (
            select
                a,
                a % 10 = 0 as showcase,
                a % 20 = 5 as stalled,
                g_rnd(1, a) as u_tier,
                g_rnd(2, a) as u_src,
                g_rnd(3, a) as u_persons,
                g_rnd(14, a) as u_opps
            from range({n}) as t(a)
        ),
        a1 as (
            select
                *,
                case
                    when showcase or stalled or u_tier < 0.08 then 'enterprise'
                    when u_tier < 0.38 then 'mid'
                    else 'smb'
                end as tier,
                stalled or (not showcase and g_rnd(4, a) < 0.02) as dormant,
                case when showcase then 2 when u_src < 0.45 then 1 when u_src < 0.87 then 2 else 3 end as n_src,
                showcase or stalled or g_rnd(11, a) < 0.6 as sf0,
                g_pick({sql_list(ADJECTIVES)}, g_rnd(6, a)) as adj0,
                g_pick({sql_list(NOUNS)}, g_rnd(7, a)) as noun,
                g_pick({sql_list(INDUSTRIES)}, g_rnd(8, a)) as industry,
                g_pick({sql_list(COUNTRIES)}, g_rnd(9, a)) as country,
                g_pick({sql_list(TLDS)}, g_rnd(10, a)) as tld0,
                not (showcase or stalled) and a % 2 = 0 and g_rnd(1100, a) < 0.08 as short_name,
                3 + cast(floor(15 * pow(u_persons, 1.3)) as bigint) as n_persons_drawn
            from a0
        ),
        a1_lookalike as (
            select
                *,
                not (showcase or stalled) and coalesce(lag(short_name) over by_a, false) as lookalike,
                lag(adj0) over by_a as previous_adj
            from a1
            window by_a as (order by a)
        ),
        a1_named as (
            select
                * exclude (previous_adj),
                case when lookalike then previous_adj else adj0 end as adj,
                case when lookalike then '.io' else tld0 end as tld,
                case when short_name then adj0
                    else (case when lookalike then previous_adj else adj0 end) || ' ' || noun end as base_name,
                {account_phone_and_city()}
            from a1_lookalike
        ),
        a2 as (
            select
                *,
                case when showcase then false when g_rnd(12, a) < 0.75 then not sf0 else sf0 end as sf1,
                g_rnd(13, a) < 0.5 as sf2,
                tier = 'enterprise' and (showcase or g_rnd(5, a) < 0.6) as is_target,
                case when showcase or stalled then greatest(4, n_persons_drawn) else n_persons_drawn end as n_persons,
                case when showcase then 3 when stalled then 1 else 0 end as n_forced_opps,
                case tier
                    when 'enterprise' then 1 + cast(floor(7 * pow(u_opps, 1.2)) as bigint)
                    when 'mid' then cast(floor(4 * u_opps) as bigint)
                    else cast(floor(2.2 * pow(u_opps, 1.5)) as bigint)
                end as n_random_opps,
                row_number() over (partition by base_name order by a) as name_rank
            from a1_named
        )
        select
            a, showcase, stalled, tier, dormant, is_target, n_src, n_persons, n_forced_opps,
            n_forced_opps + n_random_opps as n_opps,
            base_name as name,
            lower(replace(base_name, ' ', '')) || case when name_rank > 1 then cast(name_rank as varchar) else '' end
                || tld as domain,
            industry,
            country,
            name_rank, short_name, lookalike, phone_cc, phone_national, hq_city,
            'G-' || lpad(cast(a as varchar), 7, '0') as golden_id,
            [sf0, sf1, sf2] as sf_flags,
            (case when sf0 then [g_sfid('001', a * 3)] else []::varchar[] end)
            || (case when n_src >= 2 and sf1 then [g_sfid('001', a * 3 + 1)] else []::varchar[] end)
            || (case when n_src >= 3 and sf2 then [g_sfid('001', a * 3 + 2)] else []::varchar[] end) as sf_ids,
            (case when not sf0 then [cast(a * 3 + 1 as varchar)] else []::varchar[] end)
            || (case when n_src >= 2 and not sf1 then [cast(a * 3 + 2 as varchar)] else []::varchar[] end)
            || (case when n_src >= 3 and not sf2 then [cast(a * 3 + 3 as varchar)] else []::varchar[] end)
                as mk_ids,
            coalesce(sum(n_persons) over prior, 0) as person_start,
            coalesce(sum(n_forced_opps + n_random_opps) over prior, 0) as opp_start
        from a2
        window prior as (order by a rows between unbounded preceding and 1 preceding)
    """)


def _source_accounts(settings: Settings, con: Session) -> None:
    """g_source_account: each account's 1 to 3 Salesforce accounts and Marketo companies, ~80 % of them in the MDM
    crosswalk (unified by their golden account), with their dirty kinds and how each record spells its company
    (account_records.record_attributes: the record's name variant, a missing website, phone, billing city and
    country)."""
    t0, ev_max = settings.start_us, settings.event_max_us
    con.execute(f"""
        create table g_source_account as
        with s0 as (
            select a, showcase, stalled, tier, name, domain, industry, country, golden_id, sf_flags, phone_cc,
                phone_national, hq_city, unnest(range(n_src)) as j
            from g_account
        ),
        s1 as (
            select *, a * 3 + j as sa, sf_flags[j + 1] as is_sf, showcase or stalled as protected from s0
        ),
        s2 as (
            select
                *,
                case when is_sf then g_sfid('001', sa) else cast(sa + 1 as varchar) end as source_id,
                protected or g_rnd(22, sa) < 0.8 as in_xw,
                row_number() over (partition by is_sf order by sa) - 1 as sys_idx,
                count(*) over (partition by is_sf) as sys_n,
                row_number() over (partition by is_sf, protected order by sa) - 1 as pick_idx,
                count(*) over (partition by is_sf, protected) as pick_n
            from s1
        ),
        s3 as (
            select
                *,
                case when is_sf
                    then {dirty_kind('salesforce.account', 130, 'sys_idx', 'pick_n', 'protected', 'pick_idx')}
                    else {dirty_kind('marketo.company', 140, 'sys_idx', 'sys_n')} end as dirt,
                case when in_xw then golden_id
                    else (case when is_sf then 'salesforce:' else 'marketo:' end) || source_id end as unified_key,
                {t0} + g_rnd(23, sa) * ({ev_max} - {t0}) as updated_us
            from s2
        ),
        {record_attributes('s3')}
        select *, row_number() over (partition by in_xw order by sa) - 1 as xw_idx,
            count(*) over (partition by in_xw) as xw_n
        from s_record
    """)


def _persons(settings: Settings, con: Session) -> None:
    """g_person: ~10 persons per account and their records in each system (Marketo lead, Salesforce contact and
    lead), with emails, sync ids and the flags of the dirty kinds to come."""
    t0, day = settings.start_us, US_PER_DAY
    con.execute(f"""
        create table g_person as
        with p0 as (
            select a, showcase, stalled, dormant, is_target, tier, name as company, domain, sf_ids, mk_ids,
                person_start, unnest(range(n_persons)) as j
            from g_account
        ),
        p1 as (
            select *, person_start + j as p, (showcase or stalled) and j = 0 as protected from p0
        ),
        p2 as (
            select
                *,
                g_pick({sql_list(FIRST_NAMES)}, g_rnd(30, p)) as first_name,
                g_pick({sql_list(LAST_NAMES)}, g_rnd(31, p)) as last_name,
                case when protected then 'VP Operations' else g_pick({sql_list(TITLES)}, g_rnd(32, p)) end as title,
                not protected and g_rnd(33, p) < 0.03 as freemail,
                len(sf_ids) > 0 and (protected or g_rnd(35, p) < 0.6) as has_contact,
                protected or g_rnd(34, p) < 0.85 as mk_drawn,
                case when len(mk_ids) > 0 and (protected or g_rnd(37, p) < 0.9)
                    then g_pick(mk_ids, g_rnd(38, p)) end as lead_company,
                g_rnd(48, p) < 0.2 as initial_style
            from p1
        ),
        p3 as (
            select
                *,
                not protected and g_rnd(36, p) < case when has_contact then 0.15 else 0.3 end as has_sflead
            from p2
        ),
        p4 as (
            select
                *,
                mk_drawn or not (has_contact or has_sflead) as has_mk,
                case when initial_style then lower(left(first_name, 1)) || lower(last_name)
                    else lower(first_name) || '.' || lower(last_name) end as local_part
            from p3
        ),
        p5 as (
            select
                *,
                row_number() over (partition by a, local_part order by j) as local_rank,
                sum(case when has_mk then 1 else 0 end) over upto - 1 as lead_idx0,
                sum(case when has_contact then 1 else 0 end) over upto - 1 as contact_idx0,
                sum(case when has_sflead then 1 else 0 end) over upto - 1 as sflead_idx0
            from p4
            window upto as (order by p rows between unbounded preceding and current row)
        )
        select
            a, j, p, protected, dormant, is_target, tier, company, domain, first_name, last_name, title,
            case
                when freemail then local_part || '.' || cast(p as varchar) || '@'
                    || g_pick({sql_list(FREE_MAIL_DOMAINS)}, g_rnd(47, p))
                else local_part || case when local_rank > 1 then cast(local_rank as varchar) else '' end
                    || '@' || domain
            end as email,
            lower(first_name) || '.' || lower(last_name) || '.' || cast(p as varchar) || '@'
                || g_pick({sql_list(FREE_MAIL_DOMAINS)}, g_rnd(49, p)) as personal_email,
            has_mk, has_contact, has_sflead,
            case when has_mk then lead_idx0 end as lead_idx,
            case when has_mk then cast(lead_idx0 + 1 as varchar) end as lead_id,
            case when has_contact then contact_idx0 end as contact_idx,
            case when has_contact then g_sfid('003', contact_idx0) end as contact_id,
            case when has_sflead then sflead_idx0 end as sflead_idx,
            case when has_sflead then g_sfid('00Q', sflead_idx0) end as sflead_id,
            case when has_contact then
                case when not protected and g_rnd(39, p) < 0.01 then null else g_pick(sf_ids, g_rnd(40, p)) end
            end as contact_account,
            lead_company,
            has_sflead and has_contact and g_rnd(41, p) < 0.6 as sflead_converted,
            has_mk and has_contact and (protected or g_rnd(42, p) < 0.7) as mk_synced_contact,
            has_mk and has_sflead and g_rnd(43, p) < 0.6 as mk_synced_lead,
            has_mk and has_contact and not protected and g_rnd(44, p) < 0.03 as lead_uses_personal_email,
            has_contact and not protected and g_rnd(45, p) < 0.04 as has_other_account,
            {t0} - 365 * {day} + g_rnd(70, p) * 1065 * {day} as created_us
        from p5
    """)


def _leads(settings: Settings, con: Session, persons: int, leads: int) -> None:
    """g_lead: each Marketo lead's activity counts per activity table (a log-normal rate averaging
    activities_per_person per person) and the window its activities fall in."""
    s = settings
    t0, ev_max, day = s.start_us, s.event_max_us, US_PER_DAY
    mean_per_lead = s.activities_per_person * persons / max(leads, 1)
    counts = ",\n".join(
        f"cast(floor({mean_per_lead!r} * {share} * w + g_rnd({62 + index}, lead_idx)) as bigint) as n_{index}"
        for index, share in enumerate(ACTIVITY_MIX.values()))
    con.execute(f"""
        create table g_lead as
        with l0 as (
            select lead_idx, lead_id, p, a, dormant, created_us,
                least(30.0, exp(g_normal(g_rnd(60, lead_idx), g_rnd(61, lead_idx)) - 0.5)) as w
            from g_person
            where has_mk
        ),
        l1 as (
            select
                *,
                {counts},
                greatest(created_us, {t0}) as s0,
                case when dormant then {ev_max - 120 * day} else {ev_max} end as e_us
            from l0
        )
        select
            *,
            case when s0 > e_us - {day} then e_us - 30 * {day} else s0 end as s_us,
            n_0 + n_1 + n_2 + n_3 as n_all
        from l1
    """)


def _account_ranges(con: Session) -> None:
    """g_account_range: each account's contacts and leads, as a range of their indexes."""
    con.execute("""
        create table g_account_range as
        select a, min(contact_idx) as c_start, count(contact_idx) as c_count, min(lead_idx) as l_start,
            count(lead_idx) as l_count
        from g_person
        group by a
    """)


def _activity_leads(con: Session) -> None:
    """g_activity_lead: g_lead with each lead's planted new-product visits (n_t) and the offsets of its block of
    activity ids in each table."""
    # Each lead's activities are one block of ids per table; a target's new-product visits (n_t) are the last
    # visits of its block, so every activity table is one expansion of this table (no union: see
    # activities.activity_tables).
    con.execute("""
        create table g_activity_lead as
        select
            l.*,
            coalesce(t.n_visits, 0) as n_t,
            coalesce(sum(l.n_0 + coalesce(t.n_visits, 0)) over prior, 0) as off_0,
            coalesce(sum(l.n_1) over prior, 0) as off_1,
            coalesce(sum(l.n_2) over prior, 0) as off_2,
            coalesce(sum(l.n_3) over prior, 0) as off_3
        from g_lead as l
        left join g_target as t on l.lead_idx = t.lead_idx
        window prior as (order by l.lead_idx rows between unbounded preceding and 1 preceding)
    """)


def _opportunities(settings: Settings, con: Session) -> None:
    """g_opp: every deal of either system (a stage mix, long-tailed amounts by tier, some in another currency),
    with its dirty kind and whether Marketo holds a synced copy."""
    s = settings
    t0, ev_max, end, day = s.start_us, s.event_max_us, s.end_us, US_PER_DAY
    sf_dirt = dirty_kind("salesforce.opportunity", 150, "sys_idx", "pick_n", "forced", "pick_idx")
    mk_dirt = dirty_kind("marketo.opportunity", 160, "sys_idx", "pick_n", "forced", "pick_idx")
    con.execute(f"""
        create table g_opp as
        with o0 as (
            select a, showcase, stalled, tier, name as company, sf_ids, mk_ids, n_forced_opps, opp_start,
                unnest(range(n_opps)) as o
            from g_account
        ),
        o1 as (
            select *, opp_start + o as os, o < n_forced_opps as forced from o0
        ),
        o2 as (
            select
                *,
                case
                    when forced and showcase and o = 1 then 'marketo'
                    when forced then 'salesforce'
                    when len(sf_ids) > 0 and (len(mk_ids) = 0 or g_rnd(80, os) < 0.8) then 'salesforce'
                    else 'marketo'
                end as system,
                case
                    when forced and showcase and o < 2 then 'won'
                    when forced then 'open'
                    when g_rnd(82, os) < 0.35 then 'open'
                    when g_rnd(82, os) < 0.68 then 'won'
                    else 'lost'
                end as status,
                case
                    when forced and showcase and o = 0 then 850000 + 1000 * floor(150 * g_rnd(83, os))
                    when forced and showcase and o = 1 then 200000 + 1000 * floor(100 * g_rnd(83, os))
                    when forced and showcase then 300000 + 1000 * floor(300 * g_rnd(83, os))
                    when forced then 700000 + 1000 * floor(800 * g_rnd(83, os))
                    else greatest(500, 100 * round(
                        case tier when 'enterprise' then 1800 when 'mid' then 400 else 80 end
                        * exp(0.9 * g_normal(g_rnd(83, os), g_rnd(84, os)))))
                end as amount_usd
            from o1
        ),
        o3 as (
            select
                *,
                case
                    when system = 'salesforce' then
                        case when forced then sf_ids[1] else g_pick(sf_ids, g_rnd(81, os)) end
                    else case when forced then mk_ids[1] else g_pick(mk_ids, g_rnd(81, os)) end
                end as source_account,
                row_number() over (partition by system order by os) - 1 as sys_idx,
                row_number() over (partition by system, forced order by os) - 1 as pick_idx,
                count(*) over (partition by system, forced) as pick_n
            from o2
        ),
        o4 as (
            select
                *,
                case when system = 'salesforce' then {sf_dirt} else {mk_dirt} end as dirt,
                case
                    when status <> 'open' then {t0} + g_rnd(89, os) * ({ev_max - 3 * day - t0})
                    else {end} + (7 + g_rnd(89, os) * 263) * {day}
                end as close_us
            from o3
        ),
        o5 as (
            select
                *,
                case
                    when system = 'marketo' then null
                    when dirt = 'missing_currency_rate'
                        then g_pick({sql_list(UNRATED_CURRENCIES)}, g_rnd(86, os))
                    when forced then 'USD'
                    when g_rnd(85, os) < 0.05 or sys_idx % 37 = 11
                        then g_pick({sql_list(CURRENCY_RATES)}, g_rnd(86, os))
                    when g_rnd(85, os) < 0.12 then null
                    else 'USD'
                end as currency,
                dirt is null or dirt in ('duplicate_id', 'history_version') as revenue_valid
            from o4
        )
        select
            *,
            case when system = 'salesforce' then g_sfid('006', os) else 'MKTO-OPP-' || cast(os as varchar) end
                as opp_id,
            {_currency_case('amount_usd', 'currency')} as amount,
            case
                when status = 'won' then 'Closed Won'
                when status = 'lost' then 'Closed Lost'
                when forced and showcase then 'Negotiation/Review'
                when forced then 'Proposal/Price Quote'
                else g_pick({sql_list(OPEN_STAGES)}, g_rnd(88, os))
            end as stage,
            company || ' - ' || g_pick({sql_list(DEAL_KINDS)}, g_rnd(87, os)) as opp_name,
            case
                when status <> 'open' then least({ev_max}, close_us + g_rnd(90, os) * 3 * {day})
                when forced and stalled then {ev_max} - (150 + g_rnd(90, os) * 60) * {day}
                else {ev_max} - g_rnd(90, os) * 60 * {day}
            end as updated_us,
            system = 'salesforce' and len(mk_ids) > 0 and revenue_valid
                and ((forced and showcase) or (not forced and g_rnd(91, os) < 0.3)) as has_mk_copy,
            mk_ids[1] as mk_company
        from o5
    """)


def _big_accounts(con: Session) -> None:
    """g_big_key: unified accounts with over $1M won, as the pipeline will count them (deals that stay staged, on
    accounts that are not deleted, unified by the crosswalk)."""
    con.execute(f"""
        create table g_big_key as
        select sa.unified_key, sum(o.amount_usd) as won_usd
        from g_opp as o
        inner join g_source_account as sa on o.source_account = sa.source_id
        where o.status = 'won' and o.revenue_valid and coalesce(sa.dirt, '') <> 'deleted'
        group by sa.unified_key
        having sum(o.amount_usd) > {UPSELL_THRESHOLD_USD + 1000}
    """)


def _contact_roles(con: Session) -> None:
    """g_sf_role: the contacts' roles on Salesforce deals ('Decision Maker', ...)."""
    con.execute(f"""
        create table g_sf_role as
        with r0 as (
            select
                o.*, r.c_start, r.c_count,
                case when o.forced then 0 else cast(floor(g_rnd(100, o.os) * r.c_count) as bigint) end as c0,
                least(r.c_count, case
                    when o.status = 'open' then 1 + cast(floor(2.5 * g_rnd(101, o.os)) as bigint)
                    else cast(floor(2.5 * g_rnd(101, o.os)) as bigint)
                end) as n_roles
            from g_opp as o
            inner join g_account_range as r on o.a = r.a
            where o.system = 'salesforce' and r.c_count > 0
        ),
        r1 as (
            select *, unnest(range(n_roles)) as m from r0
        )
        select
            os, a, opp_id, status, forced, dirt as opp_dirt, updated_us, m,
            c_start + (c0 + m) % c_count as contact_idx,
            os * 4 + m as role_serial,
            case
                when m = 0 and (forced or g_rnd(102, os * 4 + m) < 0.55) then 'Decision Maker'
                when m > 0 and g_rnd(102, os * 4 + m) < 0.1 then 'Decision Maker'
                else g_pick({sql_list(OTHER_ROLES)}, g_rnd(103, os * 4 + m))
            end as role,
            row_number() over (partition by forced order by os * 4 + m) - 1 as role_idx,
            count(*) over (partition by forced) as role_n
        from r1
    """)


def _lead_roles(con: Session) -> None:
    """g_mk_role: the leads' roles on Marketo deals and on the Marketo copies of Salesforce deals."""
    con.execute(f"""
        create table g_mk_role as
        with r0 as (
            select
                o.*, r.l_start, r.l_count,
                case when o.forced then 0 else cast(floor(g_rnd(104, o.os) * r.l_count) as bigint) end as l0,
                least(r.l_count, case
                    when o.status = 'open' then 1 + cast(floor(2 * g_rnd(105, o.os)) as bigint)
                    else cast(floor(1.5 * g_rnd(105, o.os)) as bigint)
                end) as n_roles
            from g_opp as o
            inner join g_account_range as r on o.a = r.a
            where (o.system = 'marketo' or o.has_mk_copy) and r.l_count > 0
        ),
        r1 as (
            select *, unnest(range(n_roles)) as m from r0
        )
        select
            os, a, opp_id, status, forced, dirt as opp_dirt, updated_us, m,
            l_start + (l0 + m) % l_count as lead_idx,
            os * 4 + m as role_serial,
            case
                when m = 0 and (forced or g_rnd(106, os * 4 + m) < 0.5) then 'Decision Maker'
                when m > 0 and g_rnd(106, os * 4 + m) < 0.1 then 'Decision Maker'
                else g_pick({sql_list(OTHER_ROLES)}, g_rnd(107, os * 4 + m))
            end as role,
            row_number() over (partition by forced order by os * 4 + m) - 1 as role_idx,
            count(*) over (partition by forced) as role_n
        from r1
    """)


def _targets(con: Session) -> None:
    """g_target: the leads of persons at >$1M accounts who visit the new product page in the last 30 days (a
    Decision Maker on an open deal is more likely to)."""
    con.execute("""
        create table g_target as
        with dm_open as (
            select pe.p
            from g_sf_role as r
            inner join g_person as pe on pe.contact_idx = r.contact_idx
            where r.status = 'open' and r.role = 'Decision Maker'
                and coalesce(r.opp_dirt, 'duplicate_id') in ('duplicate_id', 'history_version')
            union
            select pe.p
            from g_mk_role as r
            inner join g_person as pe on pe.lead_idx = r.lead_idx
            where r.status = 'open' and r.role = 'Decision Maker'
                and coalesce(r.opp_dirt, 'duplicate_id') in ('duplicate_id', 'history_version')
        ),
        big_sources as (
            select sa.source_id
            from g_source_account as sa
            inner join g_big_key as b on sa.unified_key = b.unified_key
        ),
        candidates as (
            select pe.p, pe.lead_idx, pe.lead_id, pe.protected
            from g_person as pe
            where pe.has_mk and not pe.dormant and (
                pe.lead_company in (select source_id from big_sources)
                or (pe.mk_synced_contact and pe.contact_account in (select source_id from big_sources))
            )
        ),
        chosen as (
            select c.lead_idx, c.lead_id, c.p, 1 + cast(floor(3 * g_rnd(97, c.p)) as bigint) as n_visits
            from candidates as c
            left join dm_open as d on c.p = d.p
            where c.protected or (d.p is not null and g_rnd(96, c.p) < 0.8) or g_rnd(96, c.p) < 0.25
        )
        select *, row_number() over (order by lead_idx) - 1 as target_idx from chosen
    """)


def _campaigns_and_programs(settings: Settings, con: Session) -> None:
    """Salesforce campaigns (g_campaign) and Marketo programs (g_program), ~30 % of them synced to a campaign."""
    s = settings
    t0, ev_max, end, day = s.start_us, s.event_max_us, s.end_us, US_PER_DAY
    campaigns, programs, synced = s.campaigns, s.programs, s.synced_programs
    con.execute(f"""
        create table g_campaign as
        with c0 as (
            select
                k,
                {t0} + (k + g_rnd(170, k)) / {campaigns} * {end + 60 * day - t0} as start_us,
                {sql_list(CAMPAIGN_TYPES)}[1 + k % {len(CAMPAIGN_TYPES)}] as ctype,
                g_pick({sql_list(TOPICS)}, g_rnd(171, k)) as topic
            from range({campaigns}) as t(k)
        ),
        c1 as (
            select *, start_us + (1 + floor(g_rnd(172, k) * 30)) * {day} as end_us from c0
        )
        select
            *,
            g_sfid('701', k) as campaign_id,
            'Q' || cast(quarter(g_ts(start_us)) as varchar) || ' ' || cast(year(g_ts(start_us)) as varchar) || ' '
                || topic || ' ' || ctype as name,
            case when end_us < {end} then 'Completed' when start_us > {end} then 'Planned' else 'In Progress' end
                as status,
            least({ev_max}, greatest({t0}, start_us - g_rnd(173, k) * 20 * {day})) as updated_us
        from c1
    """)
    own_kinds = [("Event", "Webinar"), ("Engagement", "Nurture"), ("Email", "Email Blast"), ("Default", "Content")]
    own_name = ("case k0.k % 4 when 0 then k0.topic || ' Webinar Series' when 1 then 'Nurture - ' || k0.topic "
                "when 2 then k0.topic || ' Newsletter' else 'Content - ' || k0.topic || ' Whitepaper' end")
    synced_channel = ("case c.ctype when 'Webinar' then 'Webinar' when 'Trade Show' then 'Trade Show' "
                      "when 'Email' then 'Email Blast' when 'Conference' then 'Conference' else 'Direct Mail' end")
    synced_type = "case c.ctype when 'Email' then 'Email' when 'Direct Mail' then 'Default' else 'Event' end"
    con.execute(f"""
        create table g_program as
        with k0 as (
            select k, g_pick({sql_list(TOPICS)}, g_rnd(190, k)) as topic from range({programs}) as t(k)
        )
        select
            k0.k,
            cast(1000 + k0.k as varchar) as program_id,
            k0.k < {synced} as synced,
            case when k0.k < {synced} then c.campaign_id end as sfdc_id,
            case when k0.k < {synced} then c.name || ' (Marketo)' else {own_name} end
                as name,
            case when k0.k < {synced} then {synced_type}
                else {sql_list(kind for kind, _ in own_kinds)}[1 + k0.k % 4] end as ptype,
            case when k0.k < {synced} then {synced_channel}
                else {sql_list(channel for _, channel in own_kinds)}[1 + k0.k % 4] end as channel,
            case when k0.k < {synced} then greatest({t0 - 30 * day}, c.start_us - 20 * {day})
                else {t0} + k0.k / {programs} * {ev_max - t0} end as created_us
        from k0
        left join g_campaign as c on c.k = k0.k
    """)


def _campaign_members(settings: Settings, con: Session) -> None:
    """g_cm: contacts and Salesforce leads in campaigns, with a status from their campaign type's picklist."""
    s = settings
    t0, ev_max, day, campaigns = s.start_us, s.event_max_us, US_PER_DAY, s.campaigns
    statuses = " ".join(f"when '{kind}' then {sql_list(values)}" for kind, values in CAMPAIGN_STATUSES.items())
    con.execute(f"""
        create table g_cm as
        with rec as (
            select p, contact_idx * 2 as r, contact_id, null::varchar as member_lead_id from g_person
            where has_contact
            union all
            select p, sflead_idx * 2 + 1 as r, null::varchar as contact_id, sflead_id as member_lead_id
            from g_person
            where has_sflead
        ),
        r0 as (
            select
                *,
                least({campaigns}, cast(floor(4 * pow(g_rnd(180, r), 2)) as bigint)) as n_m,
                cast(floor(g_rnd(181, r) * {campaigns}) as bigint) as c0
            from rec
        ),
        r1 as (
            select *, unnest(range(n_m)) as m from r0
        ),
        r2 as (
            select r1.*, r * 4 + m as cm_serial, c.campaign_id, c.ctype, c.start_us
            from r1
            inner join g_campaign as c on c.k = (r1.c0 + r1.m) % {campaigns}
        )
        select
            *,
            g_pick(case ctype {statuses} end, g_rnd(182, cm_serial)) as status,
            least({ev_max - day}, greatest({t0}, start_us - g_rnd(183, cm_serial) * 20 * {day})) as created_us,
            row_number() over (order by cm_serial) - 1 as cm_idx,
            count(*) over () as cm_n
        from r2
    """)


def _program_members(settings: Settings, con: Session) -> None:
    """g_pm: the leads' program memberships, with a status from their program channel's list."""
    s = settings
    ev_max, day, programs = s.event_max_us, US_PER_DAY, s.programs
    program_statuses = " ".join(f"when '{channel}' then {sql_list(values)}"
                                for channel, (values, _) in PROGRAM_STATUSES.items())
    con.execute(f"""
        create table g_pm as
        with l0 as (
            select lead_idx, lead_id, created_us,
                least({programs}, cast(floor(5 * pow(g_rnd(191, lead_idx), 2)) as bigint)) as n_m,
                cast(floor(g_rnd(192, lead_idx) * {programs}) as bigint) as k0
            from g_person
            where has_mk
        ),
        l1 as (
            select *, unnest(range(n_m)) as m from l0
        ),
        l2 as (
            select l1.*, lead_idx * 5 + m as pm_serial, pr.program_id, pr.channel, pr.created_us as program_us
            from l1
            inner join g_program as pr on pr.k = (l1.k0 + l1.m) % {programs}
        )
        select
            *,
            g_pick(case channel {program_statuses} end, g_rnd(193, pm_serial)) as status,
            least({ev_max}, greatest(program_us, created_us) + g_rnd(194, pm_serial) * 60 * {day}) as joined_us,
            row_number() over (order by pm_serial) - 1 as pm_idx,
            count(*) over () as pm_n
        from l2
    """)


def _list_members(settings: Settings, con: Session) -> None:
    """g_lm: the leads on static lists (most leads of target accounts on the first, 'Q3 Target Accounts')."""
    s = settings
    t0, ev_max, day, lists = s.start_us, s.event_max_us, US_PER_DAY, s.static_lists
    con.execute(f"""
        create table g_lm as
        with l0 as (
            select lead_idx, lead_id, created_us,
                is_target and g_rnd(200, lead_idx) < 0.85 as on_target,
                cast(floor(2.5 * pow(g_rnd(201, lead_idx), 3)) as bigint) as n_other,
                cast(floor(g_rnd(202, lead_idx) * {lists - 1}) as bigint) as k0
            from g_person
            where has_mk
        ),
        l1 as (
            select *, unnest(range(case when on_target then 1 else 0 end + least(n_other, {lists - 1}))) as m
            from l0
        )
        select
            *,
            case when on_target and m = 0 then 0
                else 1 + (k0 + m - case when on_target then 1 else 0 end) % {lists - 1} end as k,
            lead_idx * 4 + m as lm_serial,
            least({ev_max}, greatest(created_us, {t0}) + g_rnd(203, lead_idx * 4 + m) * 90 * {day}) as added_us,
            row_number() over (order by lead_idx * 4 + m) - 1 as lm_idx,
            count(*) over () as lm_n
        from l1
    """)


def _account_contact_relations(settings: Settings, con: Session) -> None:
    """g_acr: contacts related to their own account (some) and to a second account (a few)."""
    n = settings.accounts
    con.execute(f"""
        create table g_acr as
        with direct as (
            select p, contact_idx, contact_id, contact_account as account_id, true as is_direct,
                contact_idx * 2 as acr_serial, g_rnd(210, contact_idx) < 0.97 as is_active
            from g_person
            where has_contact and contact_account is not null and g_rnd(211, p) < 0.5
        ),
        other as (
            select pe.p, pe.contact_idx, pe.contact_id, g_pick(b.sf_ids, g_rnd(212, pe.p)) as account_id,
                false as is_direct, pe.contact_idx * 2 + 1 as acr_serial, g_rnd(213, pe.p) < 0.9 as is_active
            from g_person as pe
            inner join g_account as b
                on b.a = (pe.a + 1 + cast(floor(g_rnd(46, pe.p) * ({n} - 1)) as bigint)) % {n}
            where pe.has_other_account and len(b.sf_ids) > 0 and not b.stalled and {n} > 1
        ),
        unioned as (
            select * from direct
            union all
            select * from other
        )
        select *, row_number() over (order by acr_serial) - 1 as acr_idx, count(*) over () as acr_n
        from unioned
    """)


def _currency_case(amount_usd: str, currency: str) -> str:
    whens = " ".join(f"when '{code}' then round({amount_usd} * {rate}, {0 if code in ('JPY', 'INR') else 2})"
                     for code, rate in {**CURRENCY_RATES, **UNRATED_CURRENCIES}.items())
    return f"case {currency} {whens} else {amount_usd} end"
