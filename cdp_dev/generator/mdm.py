"""The MDM tables of the base set (raw_mdm): the account crosswalk, the golden accounts and the data stewards'
account match decisions. Each function returns a table's SQL over the world model (world.py)."""

from __future__ import annotations

from cdp_dev.generator.rows import dirty_kind, missing_count, older, variants
from cdp_dev.generator.session import sql_list
from cdp_dev.generator.settings import US_PER_DAY, Settings
from cdp_dev.generator.vocabulary import MATCH_NOTES, NO_MATCH_NOTES, STEWARDS

# Shares of the unmapped records with a steward's 'match' decision; of the look-alike pairs (a short name and its
# neighbour) and of the same-name pairs with a 'no_match' one; of the decisions with an earlier, reversed one.
STEWARD_MATCH_RATE = 0.06
STEWARD_LOOKALIKE_RATE = 0.5
STEWARD_SAME_NAME_RATE = 0.3
STEWARD_REVERSED_RATE = 0.15


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


def account_match_decision(settings: Settings, sizes: dict[str, int]) -> str:
    """mdm.account_match_decision: data stewards' decisions on pairs of account records, all of them true to the
    world model (streams 1120-1128):

    - 'match': ~6 % of the records the crosswalk does not map (not on a deleted one) with another record of their
      company: its first other record, or (half the time, when that one is mapped) its golden account
      (source_system 'mdm');
    - 'no_match': the first records of half the look-alike pairs (a short name and the next company sharing its
      first word, world._accounts) and of ~30 % of the pairs of companies with the same name (each with the one of
      the name before it);
    - always the showcase account 0's two records, 'match' (so the table has a row at any scale; the crosswalk maps
      both already).

    ~15 % of the decisions were decided the other way before (a row 10-100 days earlier with the sides swapped, the
    opposite decision and its own steward): the latest decision on the pair is the one that holds.
    """
    t0, ev, day = settings.start_us, settings.event_max_us, US_PER_DAY
    notes = (f"case when decision = 'match' then g_pick({sql_list(MATCH_NOTES)}, g_rnd(1127, k * 2 + _v)) "
             f"else g_pick({sql_list(NO_MATCH_NOTES)}, g_rnd(1127, k * 2 + _v)) end")
    return f"""
        with records as (
            select sa, a, case when is_sf then 'salesforce' else 'marketo' end as system, source_id, golden_id, in_xw,
                protected
            from g_source_account
            where coalesce(dirt, '') <> 'deleted'
        ),
        first_records as (
            select
                a,
                min(sa) as sa,
                min(case when record_rank = 2 then sa end) as second_sa
            from (select a, sa, row_number() over (partition by a order by sa) as record_rank from records)
            group by a
        ),
        matched as (
            select
                x.sa * 4 + 1 as k,
                x.system as l_system,
                x.source_id as l_id,
                case when y.in_xw and g_rnd(1121, x.sa) < 0.5 then 'mdm' else y.system end as r_system,
                case when y.in_xw and g_rnd(1121, x.sa) < 0.5 then y.golden_id else y.source_id end as r_id,
                'match' as decision
            from records as x
            inner join first_records as f on f.a = x.a
            inner join records as y on y.sa = case when f.sa = x.sa then f.second_sa else f.sa end
            where not x.in_xw and not x.protected and g_rnd(1120, x.sa) < {STEWARD_MATCH_RATE}
        ),
        apart as (
            select b.a * 4 + 2 as k, b.a as a_l, b.a - 1 as a_r
            from g_account as b
            where b.lookalike and g_rnd(1122, b.a) < {STEWARD_LOOKALIKE_RATE}
            union all
            select b.a * 4 + 3, b.a, before.a
            from g_account as b
            inner join g_account as before on before.name = b.name and before.name_rank = b.name_rank - 1
            where g_rnd(1123, b.a) < {STEWARD_SAME_NAME_RATE}
        ),
        not_matched as (
            select p.k, l.system as l_system, l.source_id as l_id, r.system as r_system, r.source_id as r_id,
                'no_match' as decision
            from apart as p
            inner join first_records as fl on fl.a = p.a_l
            inner join records as l on l.sa = fl.sa
            inner join first_records as fr on fr.a = p.a_r
            inner join records as r on r.sa = fr.sa
        ),
        showcase as (
            select 0 as k, x.system as l_system, x.source_id as l_id, y.system as r_system, y.source_id as r_id,
                'match' as decision
            from records as x
            inner join records as y on x.a = 0 and y.a = 0 and x.sa < y.sa
        ),
        decisions as (
            select * from matched
            union all
            select * from not_matched
            union all
            select * from showcase
        ),
        versions as (
            select
                *,
                {variants(f"g_rnd(1125, k) < {STEWARD_REVERSED_RATE}")},
                {t0} + g_rnd(1124, k) * {ev - t0} as decided_us
            from decisions
        ),
        sides as (
            select
                k, _v,
                case when _v = 1 then r_system else l_system end as left_source_system,
                case when _v = 1 then r_id else l_id end as left_source_account_id,
                case when _v = 1 then l_system else r_system end as right_source_system,
                case when _v = 1 then l_id else r_id end as right_source_account_id,
                case when _v = 0 then decision when decision = 'match' then 'no_match' else 'match' end as decision,
                decided_us - case when _v = 1 then (10 + g_rnd(1128, k) * 90) * {day} else 0 end as decided_us
            from versions
        )
        select
            left_source_system, left_source_account_id, right_source_system, right_source_account_id, decision,
            g_pick({sql_list(STEWARDS)}, g_rnd(1126, k * 2 + _v)) as decided_by,
            g_ts(decided_us) as decided_at,
            {notes} as note,
            k as _k1, _v as _k2, 0 as _k3
        from sides
    """


TABLES = {  # table -> the function of its SQL
    "account_crosswalk": account_crosswalk,
    "golden_account": golden_account,
    "account_match_decision": account_match_decision,
}


def tables(settings: Settings, sizes: dict[str, int]) -> dict[tuple[str, str], str]:
    """("mdm", table) -> the SQL of each mdm table of the base set (sizes: the world model's)."""
    return {("mdm", name): make(settings, sizes) for name, make in TABLES.items()}
