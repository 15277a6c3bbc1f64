"""The MDM tables of the base set (raw_mdm): the account crosswalk and the golden accounts. Each function returns
a table's SQL over the world model (world.py)."""

from __future__ import annotations

from cdp_dev.generator.rows import dirty_kind, missing_count, older, variants
from cdp_dev.generator.settings import US_PER_DAY, Settings


def account_crosswalk(settings: Settings, sizes: dict[str, int]) -> str:
    """mdm.account_crosswalk: rows for ~80 % of the source accounts, each dirty kind an extra row."""
    s = settings
    t0, ev, day = settings.start_us, settings.event_max_us, US_PER_DAY
    return f"""
        with x0 as (
            select * exclude (dirt), {dirty_kind('mdm.account_crosswalk', 480, 'xw_idx', 'xw_n')} as dirt
            from g_source_account
            where in_xw
        ),
        x1 as (
            select *, {variants('dirt is not null')} from x0
        ),
        x2 as (
            select
                *,
                case when is_sf then 'salesforce' else 'marketo' end as system,
                {t0} + g_rnd(481, sa) * {ev - t0} as mapped_us
            from x1
        )
        select
            case
                when _v = 0 or dirt in ('duplicate_id', 'orphan_account_ref', 'missing_required_id') then golden_id
                when dirt = 'mdm_conflict' then 'G-' || lpad(cast((a + 1) % {s.accounts} as varchar), 7, '0')
                when dirt = 'invalid_source_system' then golden_id
                else 'G-OLD-' || cast(sa as varchar)
            end as golden_account_id,
            case when _v = 1 and dirt = 'invalid_source_system' then 'hubspot' else system end as source_system,
            case
                when _v = 0 or dirt in ('duplicate_id', 'mdm_conflict', 'inactive_mapping') then source_id
                when dirt = 'orphan_account_ref'
                    then case when is_sf then g_sfid('001', 9600000000 + sa) else cast(700000000 + sa as varchar) end
                when dirt = 'invalid_source_system' then 'HS-' || cast(sa as varchar)
            end as source_account_id,
            not (_v = 1 and dirt = 'inactive_mapping') as is_active,
            g_ts(case when _v = 1 and dirt <> 'orphan_account_ref' then mapped_us - 30 * {day} else mapped_us end)
                as updated_at,
            sa as _k1, _v as _k2, 0 as _k3
        from x2
    """


def golden_account(settings: Settings, sizes: dict[str, int]) -> str:
    """mdm.golden_account: one per account with a source account in the crosswalk."""
    t0, ev = settings.start_us, settings.event_max_us
    return f"""
        with g0 as (
            select a.a, a.golden_id, a.name, a.domain, a.industry, a.country,
                row_number() over (order by a.a) - 1 as g_idx, count(*) over () as g_n
            from g_account as a
            where exists (select 1 from g_source_account as sa where sa.a = a.a and sa.in_xw)
        ),
        g1 as (
            select *, {dirty_kind('mdm.golden_account', 490, 'g_idx', 'g_n')} as dirt from g0
        ),
        g2 as (
            select *, {variants("dirt = 'duplicate_id'")} from g1
        )
        select
            golden_id as golden_account_id,
            case when _v = 1 then upper(name) else name end as name,
            case when _v = 1 then 'www.' || domain else domain end as domain,
            industry,
            country,
            g_ts({older(f'{t0} + g_rnd(491, a) * {ev - t0}', 'a', 492)}) as updated_at,
            a as _k1, _v as _k2, 0 as _k3
        from g2
        union all by name
        select
            null as golden_account_id,
            'Unmatched company ' || cast(i as varchar) as name,
            g_ts({t0} + g_rnd(493, i) * {ev - t0}) as updated_at,
            null::bigint as _k1, 0 as _k2, i as _k3
        from range({missing_count(sizes['golden accounts'])}) as t(i)
    """


TABLES = {  # table -> the function of its SQL
    "account_crosswalk": account_crosswalk,
    "golden_account": golden_account,
}


def tables(settings: Settings, sizes: dict[str, int]) -> dict[tuple[str, str], str]:
    """("mdm", table) -> the SQL of each mdm table of the base set (sizes: the world model's)."""
    return {("mdm", name): make(settings, sizes) for name, make in TABLES.items()}
