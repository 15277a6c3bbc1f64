"""The Marketo tables of the base set (raw_marketo): leads, companies, opportunities and their roles, programs,
static lists and their memberships; the activity tables are activities.py. Each function returns a table's SQL over
the world model (world.py)."""

from __future__ import annotations

from cdp_dev.generator.rows import (
    HISTORY_STAGE,
    WEBSITE,
    fivetran_active,
    dirty_kind,
    lead_website,
    missing_id_rows,
    older,
    record_email,
    resent_sync,
    variants,
)
from cdp_dev.generator.session import sql_list
from cdp_dev.generator.settings import US_PER_DAY, US_PER_MINUTE, Settings
from cdp_dev.generator.vocabulary import FREE_MAIL_DOMAINS, PROGRAM_STATUSES, TITLES


def lead(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.lead: one per person in Marketo, dirty kinds, junk rows without an id, over-linked groups."""
    s = settings
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with l0 as (
            select *, row_number() over (partition by protected order by lead_idx) - 1 as pick_idx,
                count(*) over (partition by protected) as n_rows
            from g_person
            where has_mk
        ),
        l1 as (
            select *, {dirty_kind('marketo.lead', 300, 'lead_idx', 'n_rows', 'protected', 'pick_idx')} as dirt from l0
        ),
        l2 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from l1
        ),
        l3 as (
            select
                *,
                {older(f"greatest(created_us, {t0}) + g_rnd(301, lead_idx) * ({ev} - greatest(created_us, {t0}))",
                        'lead_idx', 302)} as updated_us,
                case when lead_uses_personal_email then personal_email else email end as base_email
            from l2
        )
        select
            lead_id as id,
            {record_email('marketo.lead', 'base_email', 'domain', 'lead_idx', 303)} as email,
            dirt as _dirt,
            first_name,
            last_name,
            company,
            {lead_website('marketo.lead', 'lead_idx', 1132)} as website,
            case when _v = 1 then g_pick({sql_list(TITLES)}, g_rnd(304, lead_idx)) else title end as title,
            lead_company as external_company_id,
            case when mk_synced_lead then sflead_id end as sfdc_lead_id,
            case when dirt = 'orphan_contact_ref' then g_sfid('003', 9000000000 + lead_idx)
                when mk_synced_contact then contact_id end as sfdc_contact_id,
            g_rnd(305, lead_idx) < 0.04 as unsubscribed,
            g_rnd(306, lead_idx) < 0.015 as email_invalid,
            g_ts(created_us) as created_at,
            g_ts(updated_us) as updated_at,
            g_ts(updated_us + g_delay(g_rnd(307, lead_idx * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            lead_idx as _k1, _v as _k2, 0 as _k3
        from l3
        union all by name
        {missing_id_rows(sizes['marketo leads'], f'''
            'visitor' || cast(i as varchar) || '@' || g_pick({sql_list(FREE_MAIL_DOMAINS)}, g_rnd(308, i)) as email,
            g_ts({t0} + g_rnd(309, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(309, i) * {ev - t0} + g_delay(g_rnd(310, i))) as _fivetran_synced,
            true as _fivetran_active''')}
        union all by name
        select
            cast(100000000 + grp * 1000 + i as varchar) as id,
            'badge-scans@expo-partners-' || cast(grp as varchar) || '.com' as email,
            'Expo Partners ' || cast(grp as varchar) as company,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0}) as created_at,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(311, grp * 1000 + i) * {ev - t0} + g_delay(g_rnd(312, grp * 1000 + i)))
                as _fivetran_synced,
            true as _fivetran_active,
            100000000 + grp * 1000 + i as _k1, 0 as _k2, 0 as _k3
        from (
            select grp, unnest(range(51 + cast(floor(g_rnd(313, grp) * 10) as bigint))) as i
            from range({s.overlinked_groups}) as t(grp)
        )
    """


def company(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.company: the Marketo companies among the source accounts, named, with a website, phone, city and
    country as account_records.record_attributes made them."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with c0 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")}
            from g_source_account
            where not is_sf
        ),
        c1 as (
            select *, {older('updated_us', 'sa', 362)} as at_us from c0
        )
        select
            source_id as external_company_id,
            cast(900000 + sys_idx as varchar) as id,
            record_name as company,
            case when website_missing then null else {WEBSITE} end as website,
            industry,
            mk_billing_country as billing_country,
            billing_city,
            phone as main_phone,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(363, sa * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            sa as _k1, _v as _k2, 0 as _k3
        from c1
        union all by name
        {missing_id_rows(sizes['marketo companies'], f'''
            'Unknown Company ' || cast(i as varchar) as company,
            g_ts({t0} + g_rnd(364, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(364, i) * {ev - t0} + g_delay(g_rnd(365, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """


def opportunity(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.opportunity: Marketo's own deals, and the copies of synced Salesforce deals."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with o0 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")}
            from g_opp
            where system = 'marketo'
            union all
            select *, 0 as _v
            from g_opp
            where has_mk_copy
        ),
        o1 as (
            select
                *,
                case when system = 'salesforce' then updated_us + g_delay(g_rnd(381, os))
                    else {older('updated_us', 'os', 382)} end as at_us,
                system = 'marketo' and _v = 1 and dirt = 'history_version' as was_open,
                system = 'marketo' and dirt is not null as is_dirty
            from o0
        )
        select
            opp_id as external_opportunity_id,
            case when system = 'marketo' then source_account else mk_company end as external_company_id,
            case when is_dirty and dirt = 'negative_amount' then -amount_usd else amount_usd end as amount,
            case when was_open then false else status = 'won' end as is_won,
            cast(700000 + os as varchar) as id,
            opp_name as name,
            case when was_open then {HISTORY_STAGE} else stage end as stage,
            case when was_open then false else status <> 'open' end as is_closed,
            cast(g_ts(close_us) as date) as close_date,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(383, os * 2 + _v))) as _fivetran_synced,
            case when is_dirty then {fivetran_active()} else true end as _fivetran_active,
            os as _k1, _v as _k2, 0 as _k3
        from o1
        union all by name
        {missing_id_rows(sizes['opportunities'], f'''
            'MKTO-OPP-NOCOMPANY-' || cast(i as varchar) as external_opportunity_id,
            round(1000 + g_rnd(384, i) * 50000, -2) as amount,
            false as is_won,
            'Unassigned deal ' || cast(i as varchar) as name,
            g_ts({t0} + g_rnd(385, i) * {ev - t0}) as updated_at,
            g_ts({t0} + g_rnd(385, i) * {ev - t0} + g_delay(g_rnd(386, i))) as _fivetran_synced,
            true as _fivetran_active''')}
    """


def opportunity_role(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.opportunity_role: the leads' roles on Marketo deals."""
    return f"""
        with r0 as (
            select r.*, pe.lead_id,
                {dirty_kind('marketo.opportunity_role', 400, 'r.role_serial', 'r.role_n', 'r.forced', 'r.role_idx')}
                    as dirt
            from g_mk_role as r
            inner join g_person as pe on pe.lead_idx = r.lead_idx
        ),
        r1 as (
            select *, {variants("dirt = 'duplicate_id'")} from r0
        ),
        r2 as (
            select *, {older('updated_us + ' + str(5 * US_PER_MINUTE), 'role_serial', 401)} as at_us from r1
        )
        select
            cast(role_serial + 1 as varchar) as id,
            case when dirt = 'orphan_opportunity_ref' then 'MKTO-OPP-GONE-' || cast(role_serial as varchar)
                else opp_id end as external_opportunity_id,
            case
                when dirt = 'orphan_lead_ref' then cast(1000000000 + role_serial as varchar)
                when dirt = 'missing_required_id' then null
                else lead_id
            end as lead_id,
            role,
            m = 0 as is_primary,
            g_ts(at_us) as updated_at,
            g_ts(at_us + g_delay(g_rnd(402, role_serial * 2 + _v))) as _fivetran_synced,
            true as _fivetran_active,
            role_serial as _k1, _v as _k2, 0 as _k3
        from r2
    """


def program(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.program: programs, ~30 % of them synced to a Salesforce campaign."""
    s = settings
    ev, day = settings.event_max_us, US_PER_DAY
    return f"""
        with p0 as (
            select *, {dirty_kind('marketo.program', 440, 'k', str(s.programs))} as dirt from g_program
        ),
        p1 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from p0
        ),
        p2 as (
            select
                *,
                {older(f'least({ev}, created_us + g_rnd(441, k) * 90 * {day})', 'k', 442)} as at_us
            from p1
        )
        select
            program_id as id,
            name,
            ptype as type,
            channel,
            sfdc_id,
            g_ts(created_us) as created_at,
            g_ts(greatest(at_us, created_us)) as updated_at,
            g_ts(greatest(at_us, created_us) + g_delay(g_rnd(443, k * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from p2
    """


def program_membership(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.program_membership: the leads' program statuses."""
    successes = tuple(success for _, success in PROGRAM_STATUSES.values())
    return f"""
        with m0 as (
            select *, {dirty_kind('marketo.program_membership', 450, 'pm_idx', 'pm_n')} as dirt from g_pm
        ),
        m1 as (
            select *, {variants("dirt = 'duplicate_id'")} from m0
        )
        select
            case
                when dirt = 'orphan_program_ref' then cast(900000000 + pm_serial as varchar)
                when dirt = 'missing_required_id' then null
                else program_id
            end as program_id,
            case when dirt = 'orphan_lead_ref' then cast(1000000000 + pm_serial as varchar) else lead_id end
                as lead_id,
            status,
            status in {successes} as reached_success,
            g_ts(joined_us) as membership_date,
            {resent_sync('joined_us', 'pm_serial', 451)} as _fivetran_synced,
            true as _fivetran_active,
            pm_serial as _k1, _v as _k2, 0 as _k3
        from m1
    """


def static_list(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.static_list: static lists, one named exactly 'Q3 Target Accounts'."""
    s = settings
    t0, ev, day = settings.start_us, settings.event_max_us, US_PER_DAY
    list_names = ["Q3 Target Accounts", "Event follow-up", "Newsletter subscribers", "Customer Advisory Board",
                  "Trade show leads", "Webinar no-shows", "Partner referrals", "Re-engagement"]
    return f"""
        with l0 as (
            select
                k,
                case when k < {len(list_names)} then {sql_list(list_names)}[k + 1]
                    else {sql_list(list_names[1:])}[1 + k % {len(list_names) - 1}] || ' ' || cast(k as varchar)
                end as name,
                {t0} + k / {s.static_lists} * {ev - t0} as created_us,
                {dirty_kind('marketo.static_list', 460, 'k', str(s.static_lists))} as dirt
            from range({s.static_lists}) as t(k)
        ),
        l1 as (
            select *, {variants("dirt in ('duplicate_id', 'history_version')")} from l0
        ),
        l2 as (
            select *, {older(f'least({ev}, created_us + g_rnd(461, k) * 30 * {day})', 'k', 462)} as at_us from l1
        )
        select
            cast(2000 + k as varchar) as id,
            case when _v = 1 then name || ' (draft)' else name end as name,
            g_ts(created_us) as created_at,
            g_ts(greatest(at_us, created_us)) as updated_at,
            g_ts(greatest(at_us, created_us) + g_delay(g_rnd(463, k * 2 + _v))) as _fivetran_synced,
            {fivetran_active()} as _fivetran_active,
            k as _k1, _v as _k2, 0 as _k3
        from l2
    """


def list_membership(settings: Settings, sizes: dict[str, int]) -> str:
    """marketo.list_membership: the leads on each list (the target accounts' leads on the first)."""
    return f"""
        with m0 as (
            select *, {dirty_kind('marketo.list_membership', 470, 'lm_idx', 'lm_n')} as dirt from g_lm
        ),
        m1 as (
            select *, {variants("dirt = 'duplicate_id'")} from m0
        )
        select
            case
                when dirt = 'orphan_list_ref' then cast(800000000 + lm_serial as varchar)
                when dirt = 'missing_required_id' then null
                else cast(2000 + k as varchar)
            end as list_id,
            case when dirt = 'orphan_lead_ref' then cast(1000000000 + lm_serial as varchar) else lead_id end
                as lead_id,
            g_ts(added_us) as created_at,
            {resent_sync('added_us', 'lm_serial', 471)} as _fivetran_synced,
            true as _fivetran_active,
            lm_serial as _k1, _v as _k2, 0 as _k3
        from m1
    """


TABLES = {  # table -> the function of its SQL
    "lead": lead,
    "company": company,
    "opportunity": opportunity,
    "opportunity_role": opportunity_role,
    "program": program,
    "program_membership": program_membership,
    "static_list": static_list,
    "list_membership": list_membership,
}


def tables(settings: Settings, sizes: dict[str, int]) -> dict[tuple[str, str], str]:
    """("marketo", table) -> the SQL of each marketo table of the base set (sizes: the world model's)."""
    return {("marketo", name): make(settings, sizes) for name, make in TABLES.items()}
