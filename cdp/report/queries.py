"""What the audience report shows, read from the warehouse: every number is an aggregate computed in SQL here.

Nothing row-level leaves the warehouse: a 10,000-account warehouse holds ~100,000 persons, and the page gets counts
per segment, per run (or per hour or day when there are many runs), per reason, per raw table and per size of an
identity component, and a top-N of the largest components. The sync log's tables (activation.activation_sync_runs,
activation.activation_alerts) exist only after a first sync: ``Activation.synced`` says whether they do.

The public models read are contracted (segments.*, marts.*), each with an explicit column list. The SQL is what
DuckDB and Spark SQL both take, so the report reads either target's warehouse (cdp.warehouse.connection.connect).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cdp.activation.alerts import ALERTS_TABLE
from cdp.activation.sync_log import RUNS_TABLE
from cdp.warehouse.connection import Warehouse

log = logging.getLogger(__name__)

# The models the report cannot do without: a warehouse without them has not been built.
REQUIRED_TABLES = (
    ("segments", "segment_summary"),
    ("segments", "segment_definitions"),
    ("segments", "segment_membership"),
    ("segments", "segment_membership_events"),
    ("segments", "segment_membership_changes"),
    ("segments", "segment_overlap"),
    ("marts", "person_traits"),
    ("marts", "person_identity_map"),
    ("marts", "account_identity_map"),
    ("marts", "dim_accounts"),
    ("marts", "data_quality_summary"),
    ("marts", "data_quality_row_counts"),
)
# Membership over time is shown for the weeks up to the newest run, in at most MAX_POINTS points per segment: each
# run while there are few, else the last state of each hour, else of each day.
HISTORY_DAYS = 56
MAX_POINTS = 300
BUCKETS = ("run", "hour", "day")
# The largest identity components shown, and the latest sync runs per destination and alerts listed.
TOP_COMPONENTS = 10
RUNS_PER_DESTINATION = 5
MAX_ALERTS = 20
# How the records of a person were joined, from what person_identity_map carries (links are shared emails or
# Salesforce ids: records that do not all share one email were joined through a Salesforce id).
ONE_RECORD = "one record"
ONE_EMAIL = "records share one email"
SALESFORCE_ID = "emails differ or are missing: joined by a Salesforce id"


class ReportError(Exception):
    """The warehouse cannot give a report (the message says what to do)."""


@dataclass(frozen=True)
class Condition:
    order: int
    name: str
    description: str
    candidates: int
    passing: int


@dataclass(frozen=True)
class Segment:
    """One segment now: its declaration, its funnel (segment_summary) and its people (segment_membership)."""

    name: str
    grain: str
    description: str
    owner: str
    candidates: int
    qualified: int
    members: int  # in the segment's grain (accounts for an account segment)
    marketable_members: int
    accounts_covered: int
    holdout: int
    suppressed: int
    excluded: int
    outranked: int
    people: int  # persons in segment_membership (members and holdout; an account segment's people)
    entered_last_run: int
    exited_last_run: int
    conditions: tuple[Condition, ...]
    split_groups: str | None  # declared: a split (its holdout), exclusions, a priority group
    excluded_segments: str | None
    priority_group: str | None

    def declared_assignments(self) -> list[tuple[str, int]]:
        """The assignments that take candidates away, with their counts: suppression always (the suppression list
        applies to every segment), the holdout, exclusions and outranking where declared (or where they took any)."""
        shown = [("suppressed", self.suppressed)]
        if self.split_groups or self.holdout:
            shown.append(("holdout", self.holdout))
        if self.excluded_segments or self.excluded:
            shown.append(("excluded", self.excluded))
        if self.priority_group or self.outranked:
            shown.append(("outranked", self.outranked))
        return shown


@dataclass(frozen=True)
class HistoryPoint:
    """People in a segment at the end of a bucket (a run, an hour or a day), and who entered and exited in it."""

    segment: str
    at: datetime
    size: int
    entered: int
    exited: int


@dataclass(frozen=True)
class History:
    bucket: str  # one of BUCKETS
    since: datetime | None  # the start of the window shown; None without any run
    newest_run: datetime | None
    points: tuple[HistoryPoint, ...]
    starting_sizes: dict[str, int]  # people in each segment at ``since`` (runs before the window)


@dataclass(frozen=True)
class OverlapPair:
    segment_a: str
    segment_b: str
    members_a: int
    shared: int
    share_of_a: float


@dataclass(frozen=True)
class SyncRun:
    run_id: str
    destination: str
    target: str
    segment: str
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    audience: int | None
    added: int | None
    removed: int | None
    failed: int | None
    message: str | None


@dataclass(frozen=True)
class Alert:
    alert_id: str
    destination: str
    target: str
    segment: str
    reason: str
    message: str
    raised_at: datetime


@dataclass(frozen=True)
class Activation:
    synced: bool  # False: no sync has run on this warehouse (the sync log does not exist)
    runs: tuple[SyncRun, ...]  # the latest RUNS_PER_DESTINATION per destination and target, newest first
    alerts: tuple[Alert, ...]  # the latest MAX_ALERTS
    alert_count: int
    run_count: int

    def latest_runs(self) -> list[SyncRun]:
        """The latest run of each destination and target."""
        seen, latest = set(), []
        for run in self.runs:
            if (run.destination, run.target) not in seen:
                seen.add((run.destination, run.target))
                latest.append(run)
        return latest


@dataclass(frozen=True)
class IssueCount:
    source_system: str
    table_name: str
    reason: str
    disposition: str
    issues: int


@dataclass(frozen=True)
class RowCount:
    source_system: str
    table_name: str
    raw: int
    staged: int
    quarantined: int
    dropped_deleted: int
    dropped_history: int

    @property
    def conserved(self) -> bool:
        return self.raw == self.staged + self.quarantined + self.dropped_deleted + self.dropped_history


@dataclass(frozen=True)
class Component:
    """One of the largest identity components: a person (or account) and the source records unified into it."""

    key: str  # person_id or account_id
    label: str | None  # the account's name; None for a person (no personal data on the page)
    records: int
    emails: int | None  # distinct emails among a person's records
    golden_account_id: str | None
    sources: str  # e.g. 'marketo lead 2, salesforce contact 1'


@dataclass(frozen=True)
class Identity:
    persons: int
    person_records: int
    accounts: int
    source_accounts: int
    records_per_person: tuple[tuple[int, int], ...]  # (records, persons)
    records_per_account: tuple[tuple[int, int], ...]  # (source accounts, accounts)
    person_links: tuple[tuple[str, int], ...]  # (how the records were joined, persons)
    person_sources: tuple[tuple[str, int], ...]  # (the systems and objects unified, persons)
    account_methods: tuple[tuple[str, int], ...]  # (MDM golden account or not, and the systems; accounts)
    largest_persons: tuple[Component, ...]
    largest_accounts: tuple[Component, ...]


@dataclass(frozen=True)
class Times:
    as_of_at: datetime | None  # person_traits.as_of_at: what the segments were evaluated as of
    last_change_at: datetime | None  # the newest run in the membership history
    latest_build_changed: bool  # the latest build changed a membership (so it is the run at last_change_at)


@dataclass(frozen=True)
class ReportData:
    times: Times
    segments: tuple[Segment, ...]
    history: History
    overlap: tuple[OverlapPair, ...]
    activation: Activation
    issues: tuple[IssueCount, ...]
    row_counts: tuple[RowCount, ...]
    identity: Identity
    queried_seconds: dict[str, float] = field(default_factory=dict)


def _rows(con: Warehouse, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def require_built(con: Warehouse) -> None:
    """ReportError naming the first model the warehouse lacks."""
    for schema, table in REQUIRED_TABLES:
        if not con.table_exists(schema, table):
            raise ReportError(f"the warehouse has no table {schema}.{table}: build it first (make demo, or load "
                              "data and run dbt build)")


def read_times(con: Warehouse) -> Times:
    """The as-of time of the traits and the newest run in the membership history."""
    (as_of_at,) = _rows(con, "select max(as_of_at) from marts.person_traits")[0]
    (last_change_at,) = _rows(con, "select max(changed_at) from segments.segment_membership_events")[0]
    (changed,) = _rows(con, "select count(*) from segments.segment_membership_changes")[0]
    return Times(as_of_at, last_change_at, changed > 0)


SEGMENTS_QUERY = """
with definitions as (
    select segment_name, condition_order, condition_name, description, segment_grain, segment_description, owner,
        split_groups, excluded_segments, priority_group
    from segments.segment_definitions
),
summary as (
    select segment_name, condition_order, candidates, candidates_passing, members, marketable_members,
        accounts_covered, qualified, holdout_members, suppressed, excluded, outranked
    from segments.segment_summary
),
people as (
    select segment_name, count(*) as people from segments.segment_membership group by segment_name
),
changes as (
    select segment_name,
        count(*) filter (where change_type = 'entered') as entered,
        count(*) filter (where change_type = 'exited') as exited
    from segments.segment_membership_changes
    group by segment_name
)
select
    definitions.segment_name, definitions.segment_grain, definitions.segment_description, definitions.owner,
    definitions.condition_order, definitions.condition_name, definitions.description,
    coalesce(summary.candidates, 0), coalesce(summary.candidates_passing, 0), coalesce(summary.members, 0),
    coalesce(summary.marketable_members, 0), coalesce(summary.accounts_covered, 0), coalesce(summary.qualified, 0),
    coalesce(summary.holdout_members, 0), coalesce(summary.suppressed, 0), coalesce(summary.excluded, 0),
    coalesce(summary.outranked, 0), coalesce(people.people, 0), coalesce(changes.entered, 0),
    coalesce(changes.exited, 0), definitions.split_groups, definitions.excluded_segments, definitions.priority_group
from definitions
left join summary
    on definitions.segment_name = summary.segment_name and definitions.condition_order = summary.condition_order
left join people on definitions.segment_name = people.segment_name
left join changes on definitions.segment_name = changes.segment_name
order by definitions.segment_name, definitions.condition_order
"""


def read_segments(con: Warehouse) -> tuple[Segment, ...]:
    """Every declared segment with its funnel, its assignment counts and the latest build's entries and exits."""
    by_name: dict[str, list[tuple]] = {}
    for row in _rows(con, SEGMENTS_QUERY):
        by_name.setdefault(row[0], []).append(row)
    segments = []
    for name, rows in by_name.items():
        first = rows[0]
        conditions = tuple(Condition(row[4], row[5], row[6] or "", row[7], row[8]) for row in rows)
        segments.append(Segment(
            name=name, grain=first[1], description=" ".join((first[2] or "").split()), owner=first[3] or "",
            candidates=first[7], members=first[9], marketable_members=first[10], accounts_covered=first[11],
            qualified=first[12], holdout=first[13], suppressed=first[14], excluded=first[15], outranked=first[16],
            people=first[17], entered_last_run=first[18], exited_last_run=first[19], conditions=conditions,
            split_groups=first[20], excluded_segments=first[21], priority_group=first[22],
        ))
    return tuple(segments)


def _bucket_expression(bucket: str) -> str:
    return "changed_at" if bucket == "run" else f"date_trunc('{bucket}', changed_at)"


def choose_bucket(con: Warehouse, since: datetime) -> str:
    """The finest bucket (each run, each hour, each day) that gives at most MAX_POINTS points in the window."""
    for bucket in BUCKETS[:-1]:
        (points,) = _rows(con, f"select count(distinct {_bucket_expression(bucket)}) "
                               "from segments.segment_membership_events where changed_at >= ?", [since])[0]
        if points <= MAX_POINTS:
            return bucket
    return BUCKETS[-1]


HISTORY_QUERY = """
with per_run as (
    select segment_name, changed_at,
        count(*) filter (where change_type = 'entered') as entered,
        count(*) filter (where change_type = 'exited') as exited
    from segments.segment_membership_events
    group by segment_name, changed_at
),
sized as (
    select segment_name, changed_at, entered, exited,
        sum(entered - exited) over (partition by segment_name order by changed_at rows unbounded preceding) as size
    from per_run
)
select segment_name, {bucket} as bucket_at, max_by(size, changed_at), sum(entered), sum(exited)
from sized
where changed_at >= ?
group by segment_name, {bucket}
order by segment_name, bucket_at
"""

STARTING_SIZES_QUERY = """
select segment_name,
    count(*) filter (where change_type = 'entered') - count(*) filter (where change_type = 'exited')
from segments.segment_membership_events
where changed_at < ?
group by segment_name
"""


def read_history(con: Warehouse) -> History:
    """People per segment over the HISTORY_DAYS up to the newest run, from segment_membership_events (a running
    sum of entries minus exits), with the entries and exits of each run (or hour, or day)."""
    (newest,) = _rows(con, "select max(changed_at) from segments.segment_membership_events")[0]
    if newest is None:
        return History(BUCKETS[0], None, None, (), {})
    since = newest - timedelta(days=HISTORY_DAYS)
    bucket = choose_bucket(con, since)
    points = tuple(HistoryPoint(*row) for row in _rows(
        con, HISTORY_QUERY.format(bucket=_bucket_expression(bucket)),
        [since]))
    starting = {name: size for name, size in _rows(con, STARTING_SIZES_QUERY, [since])}
    return History(bucket, since, newest, points, starting)


def read_overlap(con: Warehouse) -> tuple[OverlapPair, ...]:
    """Every ordered pair of segments and the members they share (segment_overlap)."""
    return tuple(OverlapPair(*row) for row in _rows(
        con, "select segment_a, segment_b, members_a, shared_members, share_of_a from segments.segment_overlap "
             "order by segment_a, segment_b"))


RUNS_QUERY = f"""
with ranked as (
    select run_id, destination, destination_target, segment_name, mode, status, started_at, finished_at,
        audience_count, added_count, removed_count, failed_count, message,
        row_number() over (partition by destination, destination_target order by started_at desc, run_id desc)
            as recency
    from {RUNS_TABLE}
)
select run_id, destination, destination_target, segment_name, mode, status, started_at, finished_at,
    audience_count, added_count, removed_count, failed_count, message
from ranked
where recency <= ?
order by started_at desc, run_id desc
"""


def read_activation(con: Warehouse) -> Activation:
    """The latest sync runs of each destination and the latest alerts; ``synced`` is False before any sync."""
    if not con.table_exists(*RUNS_TABLE.split(".")):
        return Activation(False, (), (), 0, 0)
    runs = tuple(SyncRun(*row) for row in _rows(con, RUNS_QUERY, [RUNS_PER_DESTINATION]))
    (run_count,) = _rows(con, f"select count(*) from {RUNS_TABLE}")[0]
    alerts: tuple[Alert, ...] = ()
    alert_count = 0
    if con.table_exists(*ALERTS_TABLE.split(".")):
        alerts = tuple(Alert(*row) for row in _rows(
            con, f"select alert_id, destination, destination_target, segment_name, reason, message, raised_at "
                 f"from {ALERTS_TABLE} order by raised_at desc, alert_id limit ?", [MAX_ALERTS]))
        (alert_count,) = _rows(con, f"select count(*) from {ALERTS_TABLE}")[0]
    return Activation(True, runs, alerts, alert_count, run_count)


def read_issues(con: Warehouse) -> tuple[IssueCount, ...]:
    """Data quality issues per raw table, reason and disposition, the most frequent first."""
    return tuple(IssueCount(*row) for row in _rows(
        con, "select source_system, table_name, reason, disposition, issue_count from marts.data_quality_summary "
             "order by issue_count desc, source_system, table_name, reason, disposition"))


def read_row_counts(con: Warehouse) -> tuple[RowCount, ...]:
    """Row conservation per raw table: raw = staged + quarantined + dropped (deleted, earlier versions)."""
    return tuple(RowCount(*row) for row in _rows(
        con, "select source_system, table_name, raw_rows, staged_rows, quarantined_rows, dropped_deleted_rows, "
             "dropped_history_rows from marts.data_quality_row_counts order by source_system, table_name"))


# The distinct values of a text expression, sorted and joined by ' + ', null when there are none: DuckDB writes
# string_agg(distinct ... order by ...), Spark listagg(distinct ...) within group (order by ...), and neither takes
# the other's; both take this.
SORTED_DISTINCT = "nullif(concat_ws(' + ', array_sort(array_distinct(array_agg({})))), '')"

PERSONS_QUERY = f"""
select
    person_id,
    count(*) as records,
    count(distinct email) as emails,
    count(email) as records_with_email,
    {SORTED_DISTINCT.format("source_system || ' ' || source_object")} as sources
from marts.person_identity_map
group by person_id
"""

ACCOUNTS_QUERY = f"""
select
    account_id,
    count(*) as records,
    max(golden_account_id) as golden_account_id,
    {SORTED_DISTINCT.format("source_system")} as systems
from marts.account_identity_map
group by account_id
"""

# The largest components and the records of each per source, ordered by component then source (_with_sources
# writes each component's sources as one text).
LARGEST_PERSONS_QUERY = """
with largest as (
    select person_id, records, emails from report_persons order by records desc, person_id limit ?
)
select largest.person_id, largest.records, largest.emails,
    identity_map.source_system || ' ' || identity_map.source_object as source, count(*)
from largest
inner join marts.person_identity_map as identity_map on largest.person_id = identity_map.person_id
group by largest.person_id, largest.records, largest.emails,
    identity_map.source_system || ' ' || identity_map.source_object
order by largest.records desc, largest.person_id, source
"""

LARGEST_ACCOUNTS_QUERY = """
with largest as (
    select account_id, records, golden_account_id from report_accounts order by records desc, account_id limit ?
)
select largest.account_id, dim_accounts.account_name, largest.records, largest.golden_account_id,
    identity_map.source_system, count(*)
from largest
inner join marts.account_identity_map as identity_map on largest.account_id = identity_map.account_id
left join marts.dim_accounts as dim_accounts on largest.account_id = dim_accounts.account_id
group by largest.account_id, dim_accounts.account_name, largest.records, largest.golden_account_id,
    identity_map.source_system
order by largest.records desc, largest.account_id, identity_map.source_system
"""


def _create_temporary(con: Warehouse, name: str, query: str) -> None:
    """``name``: the result of ``query``, for this connection only. On DuckDB a temporary table, computed once (the
    connection is read-only: DuckDB keeps it in memory); Spark's Thrift sessions have temporary views only, computed
    again by each query that reads them."""
    kind = "temp table" if con.engine == "duckdb" else "temporary view"
    con.execute(f"create or replace {kind} {name} as {query}")


def _with_sources(rows: list[tuple]) -> list[tuple]:
    """Rows (*component, source, records), ordered by component then source, as one row (*component, sources) per
    component in that order; its sources written 'marketo lead 2, salesforce contact 1' (a null source left out,
    None when every one is null)."""
    sources: dict[tuple, list[str]] = {}
    for *component, source, records in rows:
        texts = sources.setdefault(tuple(component), [])
        if source is not None:
            texts.append(f"{source} {records}")
    return [(*component, ", ".join(texts) or None) for component, texts in sources.items()]


def read_identity(con: Warehouse) -> Identity:
    """How many records each person and account was unified from, how they were joined, and the largest ones.

    The per-person and per-account counts are aggregated once into temporary relations (_create_temporary), then
    counted."""
    _create_temporary(con, "report_persons", PERSONS_QUERY)
    _create_temporary(con, "report_accounts", ACCOUNTS_QUERY)
    (persons, person_records) = _rows(con, "select count(*), coalesce(sum(records), 0) from report_persons")[0]
    (accounts, source_accounts) = _rows(con, "select count(*), coalesce(sum(records), 0) from report_accounts")[0]
    records_per_person = _rows(con, "select records, count(*) from report_persons group by 1 order by 1")
    records_per_account = _rows(con, "select records, count(*) from report_accounts group by 1 order by 1")
    person_links = _rows(con, f"""
        select case
                when records = 1 then '{ONE_RECORD}'
                when emails = 1 and records_with_email = records then '{ONE_EMAIL}'
                else '{SALESFORCE_ID}'
            end as link, count(*)
        from report_persons group by 1 order by 2 desc, 1""")
    person_sources = _rows(con, "select sources, count(*) from report_persons group by 1 order by 2 desc, 1")
    account_methods = _rows(con, """
        select case when golden_account_id is not null then 'MDM golden account: ' else 'no MDM mapping: ' end
            || systems as method, count(*)
        from report_accounts group by 1 order by 2 desc, 1""")
    largest_persons = tuple(Component(key, None, records, emails, None, sources) for key, records, emails, sources
                            in _with_sources(_rows(con, LARGEST_PERSONS_QUERY, [TOP_COMPONENTS])))
    largest_accounts = tuple(Component(key, name, records, None, golden, sources) for key, name, records, golden,
                             sources in _with_sources(_rows(con, LARGEST_ACCOUNTS_QUERY, [TOP_COMPONENTS])))
    return Identity(persons, person_records, accounts, source_accounts, tuple(records_per_person),
                    tuple(records_per_account), tuple(person_links), tuple(person_sources), tuple(account_methods),
                    largest_persons, largest_accounts)


def read_report_data(con: Warehouse) -> ReportData:
    """Everything the report shows, from an open (read-only) connection to a built warehouse."""
    require_built(con)
    seconds: dict[str, float] = {}
    results = {}
    for name, reader in (("times", read_times), ("segments", read_segments), ("history", read_history),
                         ("overlap", read_overlap), ("activation", read_activation), ("issues", read_issues),
                         ("row_counts", read_row_counts), ("identity", read_identity)):
        started = time.monotonic()
        results[name] = reader(con)
        seconds[name] = time.monotonic() - started
        log.debug("read %s in %.3f s", name, seconds[name])
    return ReportData(**results, queried_seconds=seconds)
