"""The four Marketo activity tables (90 % of the rows): of the base set, and of a batch of new activities.

Lead l's activities of table i are one block of ids; a person at a >$1M account who visits the new product page
(g_target) gets the last visits of the block, in the last 29 days. These are the tables too large to sort in
memory, so each is written ORDER BY its key in a way that spills to disk cheaply (see activity_tables).

A batch (batch_tables, sized by plan_batch) adds new activities of the base set's leads in the last hour before
`end`, synced after every base row, with ids disjoint from the base set and from every other batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdp_dev.generator.rows import dirty_kind, resent_sync, variants
from cdp_dev.generator.session import Session, sql_list
from cdp_dev.generator.settings import US_PER_DAY, US_PER_MINUTE, Settings
from cdp_dev.generator.vocabulary import FORMS, NEW_PRODUCT_PAGES, PAGES, QUERY_PARAMETERS, REFERRERS, SITE

ACTIVITY_TABLES = ("activity_visit_webpage", "activity_fill_out_form", "activity_open_email", "activity_click_email")
# Share of each activity type in a lead's activities.
ACTIVITY_MIX = {"activity_visit_webpage": 0.50, "activity_fill_out_form": 0.08,
                "activity_open_email": 0.30, "activity_click_email": 0.12}
BATCH_NEW_PRODUCT_SHARE = 0.01  # share of a batch that are new-product visits by persons at >$1M accounts


def _page_columns(stream: int, serial: str, missing_url: str, targeted: str) -> str:
    """SQL select items of a web visit: page URL and name (weighted PAGES), a new-product page when `targeted`,
    no URL when `missing_url`."""
    weighted = [(path, name) for path, name, weight in PAGES for _ in range(weight)]
    paths, names = sql_list(path for path, _ in weighted), sql_list(name for _, name in weighted)
    page = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(weighted)}) as bigint)"
    new_page = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(NEW_PRODUCT_PAGES)}) as bigint)"
    return (f"case when {targeted} then '{SITE}' || {sql_list(path for path, _ in NEW_PRODUCT_PAGES)}[{new_page}] "
            f"when {missing_url} then null else '{SITE}' || {paths}[{page}] end as webpage_url, "
            f"case when {targeted} then {sql_list(name for _, name in NEW_PRODUCT_PAGES)}[{new_page}] "
            f"else {names}[{page}] end as primary_attribute_value")


def _activity_details(table: str, serial: str, stream: int, email_names: str,
                      missing_url: str = "dirt = 'missing_webpage_url'", targeted: str = "false") -> str:
    """SQL select items of an activity's own columns (everything but id, lead, time and loader columns): a visit's
    page (a new-product page when `targeted`, none when `missing_url`), query and referrer; a form and its page;
    the email of an open or click, one of `email_names` (a list literal)."""
    if table == "activity_visit_webpage":
        return (_page_columns(stream, serial, missing_url, targeted) + ", "
                f"g_pick({sql_list(QUERY_PARAMETERS)}, g_rnd({stream + 1}, {serial})) as query_parameters, "
                f"g_pick({sql_list(REFERRERS)}, g_rnd({stream + 2}, {serial})) as referrer_url")
    if table == "activity_fill_out_form":
        form = f"1 + cast(floor(g_rnd({stream}, {serial}) * {len(FORMS)}) as bigint)"
        return (f"{sql_list(name for name, _ in FORMS)}[{form}] as primary_attribute_value, "
                f"'{SITE}' || {sql_list(path for _, path in FORMS)}[{form}] as webpage_url")
    return (f"g_pick({email_names}, g_rnd({stream}, {serial})) || '.Email ' "
            f"|| cast(1 + cast(floor(g_rnd({stream + 1}, {serial}) * 3) as bigint) as varchar) "
            f"as primary_attribute_value")


def read_email_names(con: Session) -> str:
    """SQL: the email names of opens and clicks ('<program>.Email <n>' in Marketo), as a list literal."""
    names = [row[0] for row in con.execute(
        "select name from g_program where channel in ('Nurture', 'Email Blast', 'Webinar') order by k").fetchall()]
    return sql_list(names or ["Newsletter"])


def activity_totals(con: Session) -> tuple[list[int], int]:
    """Per activity table the number of base activities (distinct ids, targeted visits included), and the
    number of targeted new-product visits."""
    [row] = con.execute("select sum(n_0 + n_t), sum(n_1), sum(n_2), sum(n_3), sum(n_t) from g_activity_lead"
                        ).fetchall()
    values = [int(value or 0) for value in row]
    return values[:4], values[4]


def activity_tables(settings: Settings, sizes: dict[str, int], email_names: str) -> dict[tuple[str, str], str]:
    """The four activity tables. Lead l's activities of table i are the ids base_i + off_i(l) + 1 ... + n_i(l)
    (base_i: the activities of the tables before it), at times over the lead's active window; for a target
    (persons at >$1M accounts, g_target) the last n_t visits are new-product page visits in the last 29 days.

    These are the tables too large to sort in memory, so each is written ORDER BY its key in a way that spills to
    disk cheaply: a single expansion of g_activity_lead (DuckDB 2.0 cannot spill an ORDER BY over a UNION), sorted
    on its compact columns only (serial, version, lead, dirt, time) in a subquery; the outer SELECT computes the
    wide text columns and keeps that order (SELECT and COPY preserve row order), so the writer adds no sort of
    its own (writer.PRESORTED)."""
    s = settings
    totals = [sizes[f"activities {index}"] for index in range(4)]
    bases = [sum(totals[:index]) for index in range(4)]
    recent, ev = s.end_us - 29 * US_PER_DAY, s.event_max_us
    tables = {}
    for index, table in enumerate(ACTIVITY_MIX):
        stream = 500 + 20 * index
        visits = table == "activity_visit_webpage"
        kinds = "marketo.activity_visit_webpage" if visits else "marketo.activity"
        rows = "n_0 + n_t" if visits else f"n_{index}"
        targeted = "j >= n_0" if visits else "false"
        details = _activity_details(table, "serial", stream + 4, email_names, targeted="targeted")
        tables["marketo", table] = f"""
            select
                cast(serial + 1 as varchar) as id,
                case
                    when dirt = 'orphan_lead_ref' then cast(1000000000 + serial as varchar)
                    when dirt = 'missing_required_id' then null
                    else lead_id
                end as lead_id,
                case when dirt = 'missing_required_value' then null else g_ts(at_us) end as activity_date,
                {details},
                {resent_sync('at_us', 'serial', stream + 8)} as _fivetran_synced,
                true as _fivetran_active,
                serial as _k1, _v as _k2, 0 as _k3
            from (
            with a0 as (
                select lead_idx, lead_id, s_us, e_us, n_0, off_{index}, unnest(range({rows})) as j
                from g_activity_lead
                where {rows} > 0
            ),
            a1 as (
                select *, {bases[index]} + off_{index} + j as serial, {targeted} as targeted from a0
            ),
            a2 as (
                select *, case when targeted then null else {dirty_kind(kinds, stream, 'serial', None)} end as dirt
                from a1
            ),
            a3 as (
                select
                    *,
                    {variants("dirt = 'duplicate_id'")},
                    case
                        when targeted then {recent} + g_rnd({stream + 3}, serial) * {ev - recent}
                        else s_us + (e_us - s_us) * pow(g_rnd({stream + 3}, serial), 0.6)
                    end as at_us
                from a2
            )
            select serial, _v, lead_id, dirt, targeted, at_us from a3 order by serial, _v
            ) as sorted
        """
    return tables


# --------------------------------------------------------------------------------------------------------------
# activity batches


@dataclass(frozen=True)
class BatchPlan:
    """How a batch is sized and numbered: `rows` new activities (FRACTION x the base set's `base_activities`,
    its distinct activity ids), ids from `first_id` on (the base ids are 1..base_activities < id_block)."""

    base_activities: int
    rows: int
    new_product_visits: int
    id_block: int
    first_id: int


def plan_batch(base_activities: int, targets: int, fraction: float, batch_id: int) -> BatchPlan:
    """Batch K's ids are (K + 1) * id_block + 1 ... + rows, id_block the power of ten above the base ids: disjoint
    from the base set (fraction <= 1, so rows < id_block) and from every other batch."""
    rows = max(1, round(fraction * base_activities))
    new_product = min(rows, max(1, round(rows * BATCH_NEW_PRODUCT_SHARE))) if targets else 0
    id_block = 10 ** len(str(max(base_activities, 1)))
    return BatchPlan(base_activities, rows, new_product, id_block, (batch_id + 1) * id_block + 1)


def batch_tables(settings: Settings, con: Session, plan: BatchPlan) -> dict[tuple[str, str], str]:
    """The four activity tables of a batch: plan.rows activities spread over the base set's leads in proportion
    to their base activity (largest remainders, so the count is exact), of which plan.new_product_visits are
    new-product page visits of the targets (persons at >$1M accounts, g_target), spread evenly over them; times in
    the last hour before `end`. Lead l's batch rows are the ids first_id + off(l) ... (+ n_t(l) targeted first),
    one expansion of g_batch_lead per table (no union, see activity_tables)."""
    s = settings
    first, targeted_rows = plan.first_id, plan.new_product_visits
    [(total, targets)] = con.execute(
        "select coalesce(sum(n_all), 0), count(*) filter (where n_t > 0) from g_activity_lead").fetchall()
    if total == 0:  # --activities-per-person 0: the base set's only activities are the targets' visits
        targeted_rows = plan.rows if targets else 0
    rest_rows = plan.rows - targeted_rows if total else 0
    per_target, extra_targets = divmod(targeted_rows, max(targets, 1))
    con.execute(f"""
        create table g_batch_lead as
        with q as (
            select lead_idx, lead_id, n_t > 0 as is_target, {rest_rows} * n_all // {max(total, 1)} as base,
                ({rest_rows} * n_all) % {max(total, 1)} as remainder
            from g_activity_lead
            where n_all > 0 or n_t > 0
        ),
        r as (
            select
                *,
                row_number() over (order by remainder desc, g_rnd(650, {first} + lead_idx), lead_idx) as rank,
                row_number() over (partition by is_target order by g_rnd(651, {first} + lead_idx), lead_idx)
                    as target_rank
            from q
        ),
        n as (
            select
                lead_idx, lead_id,
                base + case when rank <= {rest_rows} - (select coalesce(sum(base), 0) from q) then 1 else 0 end
                    as n_b,
                case when is_target then {per_target} + case when target_rank <= {extra_targets} then 1 else 0 end
                    else 0 end as n_bt
            from r
        )
        select
            *,
            coalesce(sum(n_b + n_bt) over (order by lead_idx rows between unbounded preceding and 1 preceding), 0)
                as off_b
        from n
        where n_b + n_bt > 0
    """)
    window_start = s.end_us - 60 * US_PER_MINUTE
    thresholds, cumulative = [], 0.0
    for share in list(ACTIVITY_MIX.values())[:-1]:
        cumulative += share
        thresholds.append(cumulative)
    table_of = ("case when targeted then 0 "
                + " ".join(f"when g_rnd(660, gid) < {limit:.4f} then {index}" for index, limit in enumerate(thresholds))
                + f" else {len(thresholds)} end")
    email_names = read_email_names(con)
    tables = {}
    for index, table in enumerate(ACTIVITY_MIX):
        stream = 700 + 20 * index
        tables["marketo", table] = f"""
            select
                cast(gid as varchar) as id,
                lead_id,
                g_ts(at_us) as activity_date,
                {_activity_details(table, 'gid', stream, email_names, missing_url='false', targeted='targeted')},
                g_ts(at_us + g_rnd(662, gid) * {5 * US_PER_MINUTE}) as _fivetran_synced,
                true as _fivetran_active,
                gid as _k1, 0 as _k2, 0 as _k3
            from (
            with b0 as (
                select lead_id, n_bt, off_b, unnest(range(n_b + n_bt)) as j from g_batch_lead
            ),
            b1 as (
                select lead_id, {first} + off_b + j as gid, j < n_bt as targeted from b0
            ),
            b2 as (
                select *, {table_of} as table_index,
                    {window_start} + g_rnd(661, gid) * {55 * US_PER_MINUTE} as at_us
                from b1
            )
            select gid, lead_id, targeted, at_us from b2 where table_index = {index} order by gid
            ) as sorted
        """
    return tables
