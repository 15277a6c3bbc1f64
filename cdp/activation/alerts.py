"""Alerts on syncs, so that a scheduled sync that went wrong is seen by more than whoever reads its log.

A sync (cdp.activation.sync.run) raises an alert when it:

* ``mass_removal``: would remove more than ``max_removal_rate`` of the members the destination holds (a guard
  against a broken build emptying a list; lists of fewer than MASS_REMOVAL_MIN_HELD members are not watched): the
  run is refused before anything is sent, unless ``force``;
* ``failure_rate``: had more than ``max_failure_rate`` of the members it sent fail or rejected;
* ``stopped_early``: stopped before the end (a quota, authentication, the network), or failed.

Each alert is a row in ``activation.activation_alerts`` (the run, the destination, the reason, the counts) and, when
``CDP_ALERT_WEBHOOK_URL`` is set, a Slack-compatible JSON message (``{"text": ...}``) posted to it. The webhook's
address is a secret: it is read from the environment only and never printed or logged; a webhook that cannot be
reached is a warning, never a reason to fail the sync.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import httpx

from cdp.activation.sync_log import RUN_FAILED, RUN_STOPPED, STATE_SCHEMA, SyncPlan, SyncResult
from cdp.warehouse.connection import TableColumn, WarehouseError, connect

log = logging.getLogger(__name__)

ALERTS_TABLE = f"{STATE_SCHEMA}.activation_alerts"
ENV_WEBHOOK = "CDP_ALERT_WEBHOOK_URL"
DEFAULT_MAX_FAILURE_RATE = 0.05
DEFAULT_MAX_REMOVAL_RATE = 0.5
# The mass-removal guard watches lists of at least this many members: on a smaller one every change is a large share.
MASS_REMOVAL_MIN_HELD = 10
WEBHOOK_TIMEOUT_SECONDS = 10.0
MASS_REMOVAL, FAILURE_RATE, STOPPED_EARLY = "mass_removal", "failure_rate", "stopped_early"

ALERTS_COLUMNS = (
    TableColumn("alert_id", "VARCHAR", not_null=True),
    TableColumn("run_id", "VARCHAR"),
    TableColumn("destination", "VARCHAR", not_null=True),
    TableColumn("destination_target", "VARCHAR", not_null=True),
    TableColumn("segment_name", "VARCHAR", not_null=True),
    TableColumn("reason", "VARCHAR", not_null=True),
    TableColumn("message", "VARCHAR", not_null=True),
    TableColumn("audience_count", "BIGINT"),
    TableColumn("held_count", "BIGINT"),
    TableColumn("to_add_count", "BIGINT"),
    TableColumn("to_remove_count", "BIGINT"),
    TableColumn("added_count", "BIGINT"),
    TableColumn("removed_count", "BIGINT"),
    TableColumn("failed_count", "BIGINT"),
    TableColumn("raised_at", "TIMESTAMP", not_null=True),
)


@dataclass(frozen=True)
class AlertPolicy:
    """The thresholds of a sync's alerts (the command's --max-failure-rate, --max-removal-rate and --force)."""

    max_failure_rate: float = DEFAULT_MAX_FAILURE_RATE
    max_removal_rate: float = DEFAULT_MAX_REMOVAL_RATE
    force: bool = False

    def __post_init__(self) -> None:
        for name in ("max_failure_rate", "max_removal_rate"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be a share between 0 and 1, got {value}")


@dataclass(frozen=True)
class Alert:
    """What went wrong, in one word (reason) and one sentence (message)."""

    reason: str
    message: str


def held_count(plan: SyncPlan) -> int:
    """How many members the destination holds before the run, according to the sync log."""
    return plan.unchanged + len(plan.to_remove)


def removal_alert(plan: SyncPlan, policy: AlertPolicy) -> Alert | None:
    """The mass-removal guard: an alert when the plan removes more than the allowed share of the members held."""
    held = held_count(plan)
    if policy.force or held < MASS_REMOVAL_MIN_HELD or len(plan.to_remove) / held <= policy.max_removal_rate:
        return None
    return Alert(MASS_REMOVAL, (
        f"the run would remove {len(plan.to_remove)} of the {held} members the destination holds "
        f"({len(plan.to_remove) / held:.0%}, more than the {policy.max_removal_rate:.0%} allowed): nothing was sent; "
        "check the build, or rerun with --force if the audience really shrank"))


def result_alerts(result: SyncResult, policy: AlertPolicy) -> list[Alert]:
    """The alerts a finished run raises: stopped or failed, and too many members failed."""
    alerts = []
    if result.status in (RUN_STOPPED, RUN_FAILED):
        alerts.append(Alert(STOPPED_EARLY, f"the run {result.status}: {result.message or 'no message'}"))
    counts = result.counts  # a destination's own operations and its requests (a Marketo campaign) alike
    failed = counts.failed + counts.request_failed
    attempted = counts.added + counts.removed + counts.requested + failed
    if attempted and failed / attempted > policy.max_failure_rate:
        alerts.append(Alert(FAILURE_RATE, (
            f"{failed} of the {attempted} members sent failed or were rejected "
            f"({failed / attempted:.0%}, more than the {policy.max_failure_rate:.0%} allowed)")))
    return alerts


def record(warehouse: str | os.PathLike | None, plan: SyncPlan, alerts: Sequence[Alert],
           result: SyncResult | None = None, run_id: str | None = None) -> None:
    """Write the alerts to activation.activation_alerts (the table is created on the first alert)."""
    if not alerts:
        return
    counts = result.counts if result is not None else None
    try:
        con = connect(warehouse)
    except WarehouseError as error:
        log.error("cannot record %d alert(s) in the warehouse: %s", len(alerts), error)
        return
    try:
        con.create_schema(STATE_SCHEMA)
        con.create_table(ALERTS_TABLE, ALERTS_COLUMNS, key="alert_id")
        raised_at = datetime.now(timezone.utc).replace(tzinfo=None)
        con.insert_rows(ALERTS_TABLE, [column.name for column in ALERTS_COLUMNS], [
            (str(uuid.uuid4()), result.run_id if result is not None else run_id, plan.destination, plan.target,
             plan.audience.segment, alert.reason, alert.message, len(plan.audience.members), held_count(plan),
             len(plan.to_add), len(plan.to_remove), counts.added if counts else 0,
             counts.removed if counts else 0, counts.failed if counts else 0, raised_at)
            for alert in alerts])
    finally:
        con.close()


def webhook_text(plan: SyncPlan, alerts: Sequence[Alert]) -> str:
    """The message posted to the webhook: the segment, the destination and each alert."""
    lines = [f"CDP sync alert: {plan.audience.segment} -> {plan.destination} {plan.target}"]
    lines += [f"- {alert.reason}: {alert.message}" for alert in alerts]
    return "\n".join(lines)


def notify(plan: SyncPlan, alerts: Sequence[Alert], environ: dict[str, str] | None = None,
           client: httpx.Client | None = None) -> bool:
    """Post the alerts to $CDP_ALERT_WEBHOOK_URL when it is set (a Slack-compatible {"text": ...} body); True when
    posted. Never raises: an unreachable webhook is logged (without its address) and the sync goes on."""
    url = (environ if environ is not None else os.environ).get(ENV_WEBHOOK, "").strip()
    if not alerts or not url:
        return False
    try:
        if client is not None:
            response = client.post(url, json={"text": webhook_text(plan, alerts)})
        else:
            with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS) as owned:
                response = owned.post(url, json={"text": webhook_text(plan, alerts)})
        response.raise_for_status()
    except httpx.HTTPStatusError as error:
        log.warning("the alert webhook (%s) answered HTTP %d; the alert is in %s", ENV_WEBHOOK,
                    error.response.status_code, ALERTS_TABLE)
        return False
    except httpx.HTTPError as error:
        log.warning("the alert webhook (%s) could not be reached (%s); the alert is in %s", ENV_WEBHOOK,
                    type(error).__name__, ALERTS_TABLE)
        return False
    return True
