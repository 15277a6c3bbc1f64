"""One activation run: read the audience and the sync log, diff them, send the changes to a destination, log it.

``run`` is the whole run (one at a time per warehouse): ``prepare`` reads the segment's audience
(cdp.activation.audience) and the members last synced to the destination (cdp.activation.sync_log), read-only, and
diffs them into a plan; ``execute`` has the destination (cdp.activation.destinations) send the plan and records each
batch's outcomes in the sync log as it comes back. ``format_plan``, ``format_result`` and ``format_report`` are what
the command (cdp.cli.export_audience, scripts/export_audience.py) prints.
"""

from __future__ import annotations

import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from cdp.activation import alerts
from cdp.activation.alerts import Alert, AlertPolicy, removal_alert, result_alerts
from cdp.activation.audience import AccountMember, Audience, AudienceMember, fetch_audience
from cdp.activation.destinations.base import Destination, DestinationError, SendFailed, SendStopped
from cdp.activation.sync_log import (
    ADDED,
    REMOVED,
    RUN_FAILED,
    RUN_PARTIAL,
    RUN_REFUSED,
    RUN_STOPPED,
    RUN_SUCCEEDED,
    SyncLog,
    SyncPlan,
    SyncResult,
    plan_sync,
    read_requests_due,
    read_synced_state,
)
from cdp.text_table import format_table
from cdp.warehouse.connection import connect, exclusive_lock

# Smaller syncs finish before a bar would be worth drawing (four API batches of 300 members).
PROGRESS_MIN_MEMBERS = 901
MAX_LISTED_CHANGES = 10
MAX_LISTED_EMAILS = 20


class Progress:
    """Counts members as batches finish; draws a bar on a terminal when the sync is large."""

    def __init__(self, total: int, description: str) -> None:
        self._bar = tqdm(total=total, desc=description, unit="member", file=sys.stderr, leave=False,
                         disable=None if total >= PROGRESS_MIN_MEMBERS else True)  # None: only on a terminal

    def update(self, members: int) -> None:
        self._bar.update(members)

    def close(self) -> None:
        self._bar.close()


# ----------------------------------------------------------------------------------------------
# A run


def prepare(segment: str, destination: Destination, warehouse: str | None, full_resync: bool = False) -> SyncPlan:
    """Read the audience and the synced state (read-only) and diff them; with an entry request (a Marketo smart
    campaign), read who is due one from the log too."""
    target = destination.target(segment)  # checked before the warehouse is opened
    con = connect(warehouse, read_only=True)
    try:
        audience = fetch_audience(con, segment)
        if audience.grain not in destination.grains:
            raise DestinationError(
                f"{destination.describe(segment)} takes {' or '.join(destination.grains)} audiences, and {segment} "
                f"is an audience of {audience.grain}s")
        synced = read_synced_state(con, destination.name, target)
        request = destination.entry_request()
        due = read_requests_due(con, destination.name, target, request) if request is not None else []
    finally:
        con.close()
    return plan_sync(audience, synced, destination.name, target, full_resync=full_resync, request=request, due=due)


def execute(plan: SyncPlan, destination: Destination, warehouse: str | None) -> SyncResult:
    """Have the destination send the plan, recording each batch as it comes back; a destination that stops the run
    still leaves every finished batch recorded."""
    sync_log = SyncLog(warehouse, plan)
    sync_log.start()
    progress = Progress(len(plan.to_add) + len(plan.to_remove) + plan.requests_planned, plan.audience.segment)
    status, message = RUN_SUCCEEDED, None
    try:
        with closing(destination.send(plan)) as batches:
            for outcomes in batches:
                sync_log.record(outcomes)
                progress.update(len(outcomes))
    except SendStopped as error:
        status, message = RUN_STOPPED, str(error)
    except SendFailed as error:
        status, message = RUN_FAILED, str(error)
    except BaseException as error:  # recorded, then raised again: the log never keeps a run "running"
        sync_log.finish(RUN_FAILED, f"{type(error).__name__}: {error}")
        raise
    finally:
        progress.close()
    if status == RUN_SUCCEEDED and sync_log.counts.failures:  # requests too
        status = RUN_PARTIAL
        message = f"{sync_log.counts.failures} member(s) failed; the next run retries them"
    return sync_log.finish(status, message)


def refuse(plan: SyncPlan, warehouse: str | None, alert: Alert) -> SyncResult:
    """Log a run that a guard refused before sending anything (status refused, the alert as its message)."""
    sync_log = SyncLog(warehouse, plan)
    sync_log.start()
    return sync_log.finish(RUN_REFUSED, alert.message)


def run(
    segment: str, destination: Destination, warehouse: str | None = None, *, full_resync: bool = False,
    dry_run: bool = False, policy: AlertPolicy | None = None,
) -> tuple[SyncPlan, SyncResult | None]:
    """Plan and (unless a dry run) execute one sync; one sync at a time per warehouse. The mass-removal guard
    refuses a run that would empty too much of a list; a run that stops early, or has too many members failed, raises
    alerts (cdp.activation.alerts: recorded in the warehouse, posted to the webhook when one is set)."""
    policy = policy or AlertPolicy()
    if dry_run:
        return prepare(segment, destination, warehouse, full_resync), None
    with exclusive_lock("activation", warehouse):
        plan = prepare(segment, destination, warehouse, full_resync)
        destination.check_configured()  # missing credentials: stop before anything is logged
        guard = removal_alert(plan, policy)
        if guard is not None:
            result, raised = refuse(plan, warehouse, guard), [guard]
        else:
            result = execute(plan, destination, warehouse)
            raised = result_alerts(result, policy)
        alerts.record(warehouse, plan, raised, result)
        alerts.notify(plan, raised)
        return plan, replace(result, alerts=tuple(raised))


# ----------------------------------------------------------------------------------------------
# What the command prints


def _name(member: AudienceMember | AccountMember) -> str:
    """A person's name (an account's label says it all)."""
    return f"{member.first_name} {member.last_name}".strip() if isinstance(member, AudienceMember) else ""


def _changes_table(plan: SyncPlan) -> list[str]:
    rows = [("operation", "email", "name")]
    rows += [(ADDED, m.label, _name(m)) for m in plan.to_add[:MAX_LISTED_CHANGES]]
    rows += [(REMOVED, m.email_key, "") for m in plan.to_remove[:max(0, MAX_LISTED_CHANGES + 1 - len(rows))]]
    more = len(plan.to_add) + len(plan.to_remove) - (len(rows) - 1)
    lines = format_table(rows, indent="  ")
    if more > 0:
        lines.append(f"  ... and {more} more")
    return lines


def counts_table(plan: SyncPlan, result: SyncResult | None = None) -> list[str]:
    """The plan's counts (or, after a run, the result's) as a one-row table."""
    header = ("audience", "to add" if result is None else "added", "to remove" if result is None else "removed",
              "unchanged")
    if result is None:
        values = (len(plan.audience.members), len(plan.to_add), len(plan.to_remove), plan.unchanged)
    else:
        values = (len(plan.audience.members), result.counts.added, result.counts.removed, plan.unchanged)
        header += ("failed", "not sent")
        values += (result.counts.failed, result.not_attempted)
    header += ("not marketable",)
    values += (plan.audience.not_marketable,)
    if plan.audience.held_out:
        header += ("holdout (not sent)",)
        values += (plan.audience.held_out,)
    return format_table([header, tuple(str(v) for v in values)], indent="  ", right_aligned=range(len(header)))


def request_lines(plan: SyncPlan, result: SyncResult | None = None) -> list[str]:
    """The entry request's line (a Marketo smart campaign), apart from the counts of the list: planned, or done."""
    if plan.request is None:
        return []
    if result is None:
        return [f"  campaign to request: {plan.requests_planned} ({plan.request.description}: {len(plan.to_request)} "
                f"due from earlier runs, {len(plan.entering)} joining if their add succeeds)"]
    failed = f", failed: {result.counts.request_failed}" if result.counts.request_failed else ""
    retried = "; the next run retries the failed" if failed else ""
    return [f"  campaign requested: {result.counts.requested}{failed} ({plan.request.description}{retried})"]


def format_plan(plan: SyncPlan, destination: Destination) -> str:
    """The dry run's report: the diff, counted, and its first rows."""
    lines = [
        f"dry run: {plan.audience.segment} -> {destination.describe(plan.audience.segment)} "
        f"({plan.mode.replace('_', ' ')}; nothing was sent or written)",
        *counts_table(plan),
        *request_lines(plan),
    ]
    if plan.to_add or plan.to_remove:
        lines += ["", *_changes_table(plan)]
    return "\n".join(lines)


def format_result(result: SyncResult, destination: Destination) -> str:
    """The one-screen summary at the end of a run."""
    plan = result.plan
    lines = [
        f"{plan.audience.segment} -> {destination.describe(plan.audience.segment)}: {result.status} "
        f"in {result.seconds:.1f} s ({plan.mode.replace('_', ' ')}, run {result.run_id})",
        *counts_table(plan, result),
        *request_lines(plan, result),
    ]
    if result.message:
        lines += ["", result.message]
    if result.alerts:
        lines += ["", f"alerts (in {alerts.ALERTS_TABLE}):", *(f"  {a.reason}: {a.message}" for a in result.alerts)]
    if result.counts.reasons:
        rows = [("reason", "message", "members")] + [
            (code or "-", message[:60], str(count)) for (code, message), count in result.counts.reasons.most_common(5)
        ]
        lines += ["", "failed members by reason (retried on the next run):",
                  *format_table(rows, indent="  ", right_aligned={2})]
    if plan.to_add or plan.to_remove:
        lines += ["", "changes sent:" if result.status == RUN_SUCCEEDED else "changes planned:", *_changes_table(plan)]
    lines += ["", "sync log: activation.activation_sync_runs, activation.activation_sync_members"]
    return "\n".join(lines)


def format_report(path: Path, audience: Audience, dry_run: bool = False) -> str:
    """What the command prints for a file destination: the file, the counts and, for a small audience, who is in
    it."""
    count = len(audience.members)
    lines = [
        f"dry run: would write {path} (nothing was written)" if dry_run else f"wrote {path}",
        f"segment:                      {audience.segment}",
        f"rows {'to write' if dry_run else 'written'}:{' ' * (16 if dry_run else 17)}{count}",
        f"left out (not marketable):    {audience.not_marketable}",
    ]
    if audience.without_email:
        lines.append(f"left out (no email):          {audience.without_email}")
    if audience.held_out:
        lines.append(f"left out (holdout):           {audience.held_out}")
    if count == 0:
        lines.append("the segment has no marketable members: the file has the header only")
    elif count <= MAX_LISTED_EMAILS:
        header = ("email", "name", "company") if audience.grain == "person" else ("account", "", "country")
        table = [header] + [
            (m.label, _name(m), getattr(m, "company_name", m.country)) for m in audience.members
        ]
        lines.append("")
        lines += format_table(table, indent="  ")
    else:
        lines.append(f"(more than {MAX_LISTED_EMAILS} rows: see the file for the emails)")
    return "\n".join(lines)
