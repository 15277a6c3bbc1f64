"""The sync log: what each activation run sent, in the warehouse, and the diff of the next run taken against it.

A sync sends one segment's audience (cdp.activation.audience: marketable members with an email) to one destination
(cdp.activation.destinations: a Marketo static list, a file). It works in four steps (cdp.activation.sync runs them):

1. ``plan_sync`` diffs the audience against the members last synced *successfully* to that destination (read from
   the sync log): members to add, members to remove (they left the segment or stopped being marketable), unchanged.
   Members whose last attempt failed are not in the synced state, so the diff sends them again.
2. ``SyncLog.start`` writes a row in ``activation.activation_sync_runs`` (status ``running``).
3. The destination sends the plan batch by batch, and ``SyncLog.record`` stores each member's outcome in
   ``activation.activation_sync_members`` as soon as its batch is done: the synced state advances only for members
   that succeeded, so a crash or a quota stop loses nothing and the next run finishes the job.
4. ``SyncLog.finish`` stores the counts and the status (``succeeded``, ``partial``: some members failed and will be
   retried, ``stopped``: the destination stopped the run, the rest is sent next time, ``failed``).

The state is keyed by destination (``marketo``, ``marketo-csv``, ...) and target (the list name, the file path),
and members by their email key (trimmed, lower-case), as every destination matches people by address.

**Entry requests.** A destination may follow its changes with a request for the members who just entered its
audience (a Marketo list: a smart campaign, ``EntryRequest``). The requests are logged in the same table and run,
under the request's own destination and target (``marketo-campaign``, the campaign id), operation ``added`` meaning
*requested*; the state queries filter by destination and target, so these rows are never taken for a list's. A
member is *due* a request when they are on the list (their latest successful list operation is an add) and no
successful request is recorded at or after their *entry*: their first successful add since their latest successful
removal (``REQUESTS_DUE_QUERY``). So a member is requested once per entry into the audience: a rerun or a full
resync requests nobody again, leaving and re-entering does, and a request that failed or was never made (the run
stopped) is made by the next run, while a member whose add failed is not on the list and is not requested.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from cdp.activation.audience import Audience, AudienceMember
from cdp.warehouse.connection import TableColumn, Warehouse, WarehouseError, connect

log = logging.getLogger(__name__)

STATE_SCHEMA = "activation"
RUNS_TABLE = f"{STATE_SCHEMA}.activation_sync_runs"
MEMBERS_TABLE = f"{STATE_SCHEMA}.activation_sync_members"

ADDED, REMOVED = "added", "removed"
SUCCEEDED, FAILED = "succeeded", "failed"
RUN_RUNNING, RUN_SUCCEEDED, RUN_PARTIAL, RUN_STOPPED, RUN_FAILED, RUN_INTERRUPTED, RUN_REFUSED = (
    "running", "succeeded", "partial", "stopped", "failed", "interrupted", "refused",
)

# The log's tables (Warehouse.create_table writes each engine's DDL; columns added later are added to older logs).
RUNS_COLUMNS = (
    TableColumn("run_id", "VARCHAR", not_null=True),
    TableColumn("destination", "VARCHAR", not_null=True),
    TableColumn("destination_target", "VARCHAR", not_null=True),
    TableColumn("segment_name", "VARCHAR", not_null=True),
    TableColumn("mode", "VARCHAR", not_null=True),
    TableColumn("status", "VARCHAR", not_null=True),
    TableColumn("started_at", "TIMESTAMP", not_null=True),
    TableColumn("finished_at", "TIMESTAMP"),
    TableColumn("audience_count", "BIGINT"),
    TableColumn("added_count", "BIGINT"),
    TableColumn("removed_count", "BIGINT"),
    TableColumn("unchanged_count", "BIGINT"),
    TableColumn("failed_count", "BIGINT"),
    TableColumn("not_attempted_count", "BIGINT"),
    TableColumn("skipped_for_consent_count", "BIGINT"),
    TableColumn("message", "VARCHAR"),
    # entry requests (a Marketo smart campaign), counted apart from the list's adds
    TableColumn("requested_count", "BIGINT"),
    TableColumn("request_failed_count", "BIGINT"),
)
MEMBERS_COLUMNS = (
    TableColumn("run_id", "VARCHAR", not_null=True),
    TableColumn("destination", "VARCHAR", not_null=True),
    TableColumn("destination_target", "VARCHAR", not_null=True),
    TableColumn("segment_name", "VARCHAR", not_null=True),
    TableColumn("email_key", "VARCHAR", not_null=True),
    TableColumn("person_id", "VARCHAR"),
    TableColumn("operation", "VARCHAR", not_null=True),
    TableColumn("status", "VARCHAR", not_null=True),
    TableColumn("reason_code", "VARCHAR"),
    TableColumn("reason_message", "VARCHAR"),
    TableColumn("destination_member_id", "VARCHAR"),
    TableColumn("recorded_at", "TIMESTAMP", not_null=True),
)


def create_state_tables(con: Warehouse) -> None:
    """The log's schema and tables, on the first sync (and the columns an older log lacks)."""
    con.create_schema(STATE_SCHEMA)
    con.create_table(RUNS_TABLE, RUNS_COLUMNS, key="run_id")
    con.create_table(MEMBERS_TABLE, MEMBERS_COLUMNS)


# The members a destination holds according to the log: each address's latest successful operation is an add.
SYNCED_STATE_QUERY = f"""
with latest as (
    select
        email_key,
        person_id,
        operation,
        destination_member_id,
        row_number() over (partition by email_key order by recorded_at desc, operation asc) as recency
    from {MEMBERS_TABLE}
    where destination = ? and destination_target = ? and status = ?
)
select email_key, person_id, destination_member_id
from latest
where recency = 1 and operation = ?
order by email_key
"""


# The members due an entry request (see the module's docstring): on the list, with no successful request for the
# request's destination and target at or after their entry (ties count as on the list, as in SYNCED_STATE_QUERY).
REQUESTS_DUE_QUERY = f"""
with list_operations as (
    select email_key, person_id, operation, destination_member_id, recorded_at
    from {MEMBERS_TABLE}
    where destination = $list_destination and destination_target = $list_target and status = 'succeeded'
),

last_removals as (
    select email_key, max(recorded_at) as removed_at
    from list_operations
    where operation = 'removed'
    group by email_key
),

entries as (
    select
        a.email_key,
        min(a.recorded_at) as entered_at,
        max_by(a.person_id, a.recorded_at) as person_id,
        max_by(a.destination_member_id, a.recorded_at) as destination_member_id
    from list_operations as a
    left join last_removals as r on r.email_key = a.email_key
    where a.operation = 'added' and (r.removed_at is null or a.recorded_at >= r.removed_at)
    group by a.email_key
),

requests as (
    select email_key, max(recorded_at) as requested_at
    from {MEMBERS_TABLE}
    where destination = $request_destination and destination_target = $request_target and status = 'succeeded'
        and operation = 'added'
    group by email_key
)

select e.email_key, e.person_id, e.destination_member_id
from entries as e
left join requests as q on q.email_key = e.email_key
where (q.requested_at is null or q.requested_at < e.entered_at) and e.destination_member_id is not null
order by e.email_key
"""


class SyncError(Exception):
    """A sync cannot start or cannot record its state; the message says what is wrong."""


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


# ----------------------------------------------------------------------------------------------
# The plan


@dataclass(frozen=True)
class SyncedMember:
    """A member the destination holds according to the sync log."""

    email_key: str
    person_id: str | None
    destination_member_id: str | None


@dataclass(frozen=True)
class EntryRequest:
    """A request a destination sends once per member's entry into its audience, after its changes (a Marketo smart
    campaign); logged under its own ``destination`` and ``target`` (``marketo-campaign``, the campaign id)."""

    destination: str
    target: str
    description: str  # for the reports: "Marketo smart campaign 1234"


@dataclass(frozen=True)
class SyncPlan:
    """What a run will send: members to add (new, or failed last time) and to remove, and who stays as is; with an
    entry request, the members due one from earlier runs (``to_request``) and the keys of ``to_add`` whose
    successful add is an entry (``entering``: with a full resync, ``to_add`` also holds members already synced)."""

    destination: str
    target: str
    audience: Audience
    to_add: list[AudienceMember]
    to_remove: list[SyncedMember]
    unchanged: int
    full_resync: bool = False
    request: EntryRequest | None = None
    to_request: list[SyncedMember] = field(default_factory=list)
    entering: frozenset[str] = frozenset()

    @property
    def mode(self) -> str:
        return "full_resync" if self.full_resync else "incremental"

    @property
    def requests_planned(self) -> int:
        """Entry requests the run makes if every add succeeds (0 without an entry request)."""
        return len(self.to_request) + len(self.entering) if self.request is not None else 0


def read_synced_state(con: Warehouse, destination: str, target: str) -> list[SyncedMember]:
    """The members last synced successfully to ``destination``/``target`` (empty before the first sync)."""
    if not _state_tables_exist(con):
        return []
    rows = con.execute(SYNCED_STATE_QUERY, [destination, target, SUCCEEDED, ADDED]).fetchall()
    return [SyncedMember(*row) for row in rows]


def read_requests_due(
    con: Warehouse, destination: str, target: str, request: EntryRequest
) -> list[SyncedMember]:
    """The members on ``destination``/``target`` due ``request`` (REQUESTS_DUE_QUERY), by the destination member id
    of their latest successful add (members without one cannot be requested and are left out)."""
    if not _state_tables_exist(con):
        return []
    rows = con.execute(REQUESTS_DUE_QUERY, {
        "list_destination": destination, "list_target": target,
        "request_destination": request.destination, "request_target": request.target,
    }).fetchall()
    return [SyncedMember(*row) for row in rows]


def plan_sync(
    audience: Audience, synced: Sequence[SyncedMember], destination: str, target: str, *, full_resync: bool = False,
    request: EntryRequest | None = None, due: Sequence[SyncedMember] = (),
) -> SyncPlan:
    """Diff the audience against the synced state. With ``full_resync`` every member is sent again; leavers are
    removed either way. With an entry ``request``, the members ``due`` one (read_requests_due) who are still in
    the audience are requested, and so are the members this run adds who were not synced."""
    current = {member.key: member for member in audience.members}
    synced_keys = {member.email_key for member in synced}
    to_add = [m for key, m in current.items() if full_resync or key not in synced_keys]
    to_remove = [m for m in synced if m.email_key not in current]
    unchanged = 0 if full_resync else len(current.keys() & synced_keys)
    to_request = [m for m in due if m.email_key in current] if request is not None else []
    entering = frozenset(m.key for m in to_add if m.key not in synced_keys) if request is not None else frozenset()
    return SyncPlan(destination, target, audience, to_add, to_remove, unchanged, full_resync, request, to_request,
                    entering)


# ----------------------------------------------------------------------------------------------
# The log


def _state_tables_exist(con: Warehouse) -> bool:
    tables = con.tables(STATE_SCHEMA)
    return RUNS_TABLE.split(".")[1] in tables and MEMBERS_TABLE.split(".")[1] in tables


@dataclass(frozen=True)
class MemberOutcome:
    """What happened to one member in a run."""

    email_key: str
    person_id: str | None
    operation: str  # added | removed
    status: str  # succeeded | failed
    reason_code: str | None = None
    reason_message: str | None = None
    destination_member_id: str | None = None
    request: bool = False  # the plan's entry request (operation added: requested), logged under its destination


@dataclass
class RunCounts:
    """A run's outcomes: ``added``, ``removed`` and ``failed`` count the destination's own operations (the
    list's), ``requested`` and ``request_failed`` the entry requests, never counted as adds."""

    added: int = 0
    removed: int = 0
    failed: int = 0
    requested: int = 0
    request_failed: int = 0
    reasons: Counter = field(default_factory=Counter)  # (code, message) of failures, requests too -> members

    @property
    def failures(self) -> int:
        """Every failed outcome, operations and requests: the next run retries them all."""
        return self.failed + self.request_failed

    def count(self, outcomes: Sequence[MemberOutcome]) -> None:
        for outcome in outcomes:
            if outcome.status == FAILED:
                self.reasons[(outcome.reason_code or "", outcome.reason_message or "")] += 1
            if outcome.request:
                self.requested += outcome.status != FAILED
                self.request_failed += outcome.status == FAILED
            elif outcome.status == FAILED:
                self.failed += 1
            elif outcome.operation == ADDED:
                self.added += 1
            else:
                self.removed += 1


class SyncLog:
    """Writes one run and its member outcomes to the warehouse, opening it only for each write (so that dbt or
    a reader is not locked out for the length of a sync)."""

    def __init__(self, warehouse: str | os.PathLike | None, plan: SyncPlan) -> None:
        self.warehouse = warehouse
        self.plan = plan
        self.run_id = str(uuid.uuid4())
        self.started_at = _now()
        self.counts = RunCounts()

    def _write(self, write: Callable[[Warehouse], None]) -> None:
        """Open the warehouse, ``write`` to it in one transaction (where the engine has them), close it."""
        try:
            con = connect(self.warehouse)
        except WarehouseError as error:
            raise SyncError(f"cannot record the sync in the warehouse: {error}") from error
        try:
            with con.transaction():
                write(con)
        finally:
            con.close()

    def start(self) -> None:
        """Record the run as running; earlier runs of the same destination left running were interrupted."""
        plan = self.plan

        def write(con: Warehouse) -> None:
            create_state_tables(con)
            if con.fetchone(f"select count(*) from {RUNS_TABLE} where destination = ? and destination_target = ?"
                            " and status = ?", [plan.destination, plan.target, RUN_RUNNING])[0]:
                con.update(RUNS_TABLE, {"status": RUN_INTERRUPTED,
                                        "message": "the process ended before the run finished"},
                           "destination = ? and destination_target = ? and status = ?",
                           [plan.destination, plan.target, RUN_RUNNING])
            con.insert_rows(RUNS_TABLE, ["run_id", "destination", "destination_target", "segment_name", "mode",
                                         "status", "started_at", "audience_count", "skipped_for_consent_count"],
                            [(self.run_id, plan.destination, plan.target, plan.audience.segment, plan.mode,
                              RUN_RUNNING, self.started_at, len(plan.audience.members),
                              plan.audience.not_marketable)])

        self._write(write)

    def _logged_under(self, outcome: MemberOutcome) -> tuple[str, str]:
        """The destination and target an outcome is logged under: the entry request's for a request."""
        if not outcome.request:
            return self.plan.destination, self.plan.target
        if self.plan.request is None:
            raise SyncError("the destination sent an entry request that its plan does not have")
        return self.plan.request.destination, self.plan.request.target

    def record(self, outcomes: Sequence[MemberOutcome]) -> None:
        """Store the outcomes of one batch (the synced state moves on for those that succeeded)."""
        if not outcomes:
            return
        plan = self.plan
        where = [self._logged_under(o) for o in outcomes]
        columns = ("run_id", "destination", "destination_target", "segment_name", "email_key", "person_id",
                   "operation", "status", "reason_code", "reason_message", "destination_member_id", "recorded_at")
        recorded_at = _now()
        rows = [(self.run_id, destination, target, plan.audience.segment, o.email_key, o.person_id, o.operation,
                 o.status, o.reason_code, o.reason_message, o.destination_member_id, recorded_at)
                for o, (destination, target) in zip(outcomes, where)]
        self._write(lambda con: con.insert_rows(MEMBERS_TABLE, columns, rows))
        self.counts.count(outcomes)

    def finish(self, status: str, message: str | None = None) -> SyncResult:
        plan, counts = self.plan, self.counts
        attempted = counts.added + counts.removed + counts.failed
        not_attempted = len(plan.to_add) + len(plan.to_remove) - attempted
        finished_at = _now()
        self._write(lambda con: con.update(RUNS_TABLE, {
            "status": status, "finished_at": finished_at, "added_count": counts.added,
            "removed_count": counts.removed, "unchanged_count": plan.unchanged, "failed_count": counts.failed,
            "not_attempted_count": not_attempted, "message": message, "requested_count": counts.requested,
            "request_failed_count": counts.request_failed,
        }, "run_id = ?", [self.run_id]))
        return SyncResult(self.run_id, plan, status, counts, not_attempted, message,
                          (finished_at - self.started_at).total_seconds())


@dataclass(frozen=True)
class SyncResult:
    run_id: str
    plan: SyncPlan
    status: str
    counts: RunCounts
    not_attempted: int
    message: str | None
    seconds: float
    alerts: tuple = ()  # cdp.activation.alerts.Alert raised by the run


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    """``items`` in consecutive slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
