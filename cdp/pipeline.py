"""One scheduled cycle of the platform: load what was dropped, build what it affects, activate what changed.

A cycle (``run_cycle``) is safe to run twice at once and safe to kill at any point:

* only one cycle runs per warehouse (an OS file lock next to it; a second cycle waits or exits with a message);
* new files are first moved (renamed) into ``DIR/.processing/<batch>/``, loaded with the loader in one transaction
  that also records the batch in ``raw_loads.loaded_batches``, then moved to ``DIR/.loaded/<batch>/``. A batch
  found in ``.processing`` at the start of a cycle was interrupted: it is loaded if the ledger does not have it, and
  moved aside either way, so no file is ever loaded twice or lost;
* the build selects every loaded batch not yet built (``built_at`` is null in the ledger), so a failed or killed
  build is redone by the next cycle; models are replaced in transactions, so the DuckDB file stays consistent;
* activation diffs each destination against its sync log (cdp.activation.sync_log): an interrupted sync is
  finished next time;
* with ``report``, the audience report (cdp.report) is written last, into the out folder, replaced atomically.

Which segments go where is declared in each segment's file, in the ``activation`` of macro segment
(models/segments/seg_*.sql), for example ``[{'format': 'marketo', 'list_name': 'CDP - Upsell'},
{'format': 'linkedin-csv'}]``: each entry names a destination (cdp.activation.destinations) by its format, and its
other keys are the destination's options.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cdp.activation import destinations
from cdp.activation.destinations.base import Destination, DestinationError, DestinationNotConfigured
from cdp.activation.sync import run
from cdp.activation.sync_log import RUN_SUCCEEDED, RUNS_TABLE
from cdp.text_table import format_table
from cdp.warehouse.connection import (
    PROJECT_ROOT,
    WarehouseError,
    connect,
    exclusive_lock,
    out_of_memory_message,
)
from cdp.warehouse.dbt_runner import run_dbt
from cdp.warehouse.loader import BATCHES_TABLE, LoadError, batch_loaded, load

log = logging.getLogger(__name__)

PROCESSING, LOADED = ".processing", ".loaded"
# The models whose rows depend on the time of the run (the activity window counts as of now, and everything built
# on them: traits, segments, activation): rebuilt every cycle, so that people leave time-windowed segments even
# when no data arrives.
TIME_DEPENDENT = ("int_lead_activities_aggregated+",)
# A table that exists once the project has been built; without it the first cycle builds everything.
BUILT_MARKER = ("marts", "dim_persons")
INTERVAL = re.compile(r"^(\d+)\s*([smh]?)$")


class PipelineError(Exception):
    """A cycle could not do its work; the message says which step and why."""


def parse_interval(text: str) -> float:
    """'90', '90s', '5m', '1h' -> seconds."""
    match = INTERVAL.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"invalid interval {text!r}: use a number of seconds, or e.g. 30s, 5m, 1h")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


@dataclass
class Step:
    name: str
    detail: str
    seconds: float
    ok: bool = True


@dataclass
class CycleReport:
    batch: str | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def format(self) -> str:
        rows = [("step", "result", "seconds")] + [
            (step.name, ("" if step.ok else "FAILED: ") + step.detail, f"{step.seconds:.1f}") for step in self.steps
        ]
        title = f"cycle {'(batch ' + self.batch + ')' if self.batch else '(no new files)'}: " + (
            "done" if self.ok else "finished with failures")
        return "\n".join([title, *format_table(rows, indent="  ", right_aligned={2}, header_rule=True)])


def _timed(report: CycleReport, name: str, action: Callable[[], str]) -> str | None:
    started = time.monotonic()
    try:
        detail = action()
    except (PipelineError, LoadError) as error:
        report.steps.append(Step(name, " ".join(str(error).split()), time.monotonic() - started, ok=False))
        return None
    report.steps.append(Step(name, detail, time.monotonic() - started))
    return detail


# ----------------------------------------------------------------------------------------------
# Load


def _new_batch_name() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not any(
        part.startswith(".") for part in p.relative_to(folder).parts))


def claim_new_files(drop: Path) -> Path | None:
    """Move the files waiting in ``drop`` into a new batch folder under .processing (each move is a rename)."""
    files = _files_in(drop)
    if not files:
        return None
    batch_dir = drop / PROCESSING / _new_batch_name()
    for file in files:
        target = batch_dir / file.relative_to(drop)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
    return batch_dir


def load_batches(drop: Path, warehouse: str | None) -> tuple[list[str], int]:
    """Load every batch under .processing (interrupted ones first), then move each aside. Returns the batches
    loaded by this call and their rows."""
    loaded_batches, rows = [], 0
    claim_new_files(drop)
    processing = drop / PROCESSING
    for batch_dir in sorted(processing.iterdir()) if processing.is_dir() else []:
        batch = batch_dir.name
        con = connect(warehouse)
        try:
            done = batch_loaded(con, batch)
        finally:
            con.close()
        if not done and _files_in(batch_dir):
            loaded = load(batch_dir, append=True, warehouse=warehouse, batch=batch)
            loaded_batches.append(batch)
            rows += sum(item.rows for item in loaded)
        (drop / LOADED).mkdir(parents=True, exist_ok=True)
        shutil.move(str(batch_dir), str(drop / LOADED / batch))
    return loaded_batches, rows


# ----------------------------------------------------------------------------------------------
# Build


def unbuilt_tables(warehouse: str | None) -> list[str]:
    """Raw tables of loaded batches that no build has taken in yet."""
    con = connect(warehouse, read_only=True)
    try:
        if not con.table_exists(*BATCHES_TABLE.split(".")):
            return []
        rows = con.fetchall(f"select tables from {BATCHES_TABLE} where built_at is null")
        return sorted({table for (tables,) in rows for table in tables})
    finally:
        con.close()


def is_built(warehouse: str | None) -> bool:
    con = connect(warehouse, read_only=True)
    try:
        return con.table_exists(*BUILT_MARKER)
    finally:
        con.close()


def selection(tables: list[str]) -> list[str]:
    """dbt selectors for what loading ``tables`` (raw_<source>.<table>) affects, plus the time-dependent models."""
    selected = [f"source:{table.split('.', 1)[0].removeprefix('raw_')}.{table.split('.', 1)[1]}+" for table in tables]
    return selected + list(TIME_DEPENDENT)


# What no scheduled build runs: the demo, and the unit tests, which check the SQL, not the data (they run in
# `make test`).
SCHEDULED_EXCLUDES = ("--exclude", "tag:demo", "--exclude-resource-type", "unit_test")


def full_build_args() -> list[str]:
    """The `dbt build` arguments of a scheduled full build: every model with its data tests."""
    return list(SCHEDULED_EXCLUDES)


def incremental_build_args(tables: list[str]) -> list[str]:
    """The `dbt build` arguments of a cycle after the first: what ``tables`` affect, with their data tests."""
    return ["--select", *selection(tables), *SCHEDULED_EXCLUDES]


def dbt_build(args: list[str], warehouse: str | None, dbt_vars: str | None, target_path: str) -> None:
    command = ["build", *args, "--target-path", target_path] + (["--vars", dbt_vars] if dbt_vars else [])
    log.info("running dbt %s", " ".join(command))
    result = run_dbt(command, warehouse)
    if result.returncode != 0:
        lines = [line.split("  ", 1)[-1].strip() for line in result.stdout.splitlines()]
        reasons = [line for line in lines if line.startswith(("Failure in", "Error in", "Compilation Error",
                                                              "Runtime Error", "Parsing Error"))]
        if "Out of Memory Error" in result.stdout:
            reasons.insert(0, out_of_memory_message("in dbt build"))
        log.error("dbt build output:\n%s", "\n".join(result.stdout.splitlines()[-40:]))
        raise PipelineError(f"dbt build failed (exit {result.returncode}): "
                            f"{'; '.join(reasons[:3]) or (lines[-1] if lines else 'no output')} "
                            "(the next cycle builds it again; -v shows dbt's output)")


def mark_built(warehouse: str | None) -> None:
    con = connect(warehouse)
    try:
        if con.table_exists(*BATCHES_TABLE.split(".")):
            con.update(BATCHES_TABLE, {"built_at": datetime.now(timezone.utc).replace(tzinfo=None)}, "built_at is null")
    finally:
        con.close()


def build(warehouse: str | None, dbt_vars: str | None, target_path: str) -> str:
    if not is_built(warehouse):
        args = full_build_args()
        described = "everything (first build)"
    else:
        tables = unbuilt_tables(warehouse)
        args = incremental_build_args(tables)
        described = ("what " + ", ".join(tables) + " affect, and " if tables else "") + "the time-dependent models"
    dbt_build(args, warehouse, dbt_vars, target_path)
    mark_built(warehouse)
    return described


# ----------------------------------------------------------------------------------------------
# Activate


@dataclass(frozen=True)
class ConfiguredDestination:
    """One entry of a segment's declared activation: the destination's format and its other keys, its options."""

    segment: str
    format_name: str
    options: tuple[tuple[str, Any], ...] = ()  # (key, value), sorted by key

    @property
    def label(self) -> str:
        return f"{self.segment} -> {self.format_name}"

    def create(self, out_dir: str) -> Destination:
        """The destination (DestinationError for an unknown format or a bad option)."""
        return destinations.create(self.format_name, {"segment": self.segment, "out": out_dir, **dict(self.options)})


def configured_destinations(target_path: str) -> list[ConfiguredDestination]:
    """The destinations declared in the segments' declarations (macro segment: meta.segment.activation, from dbt's
    manifest)."""
    manifest_file = Path(target_path) / "manifest.json"
    if not manifest_file.is_absolute():
        manifest_file = PROJECT_ROOT / manifest_file
    manifest = json.loads(manifest_file.read_text())
    found = []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model":
            continue
        declaration = ((node.get("config") or {}).get("meta") or {}).get("segment") or {}
        for entry in declaration.get("activation") or []:
            options = tuple(sorted((key, value) for key, value in entry.items() if key != "format"))
            found.append(ConfiguredDestination(node["name"], entry["format"], options))
    return sorted(found, key=lambda d: (d.segment, d.format_name, [(key, str(value)) for key, value in d.options]))


def segments_to_sync(warehouse: str | None, configured: list[ConfiguredDestination],
                     targets: dict[ConfiguredDestination, str]) -> set[ConfiguredDestination]:
    """Destinations whose segment changed in this build, or whose last sync did not succeed (or never ran)."""
    con = connect(warehouse, read_only=True)
    try:
        changed = set()
        if con.table_exists("segments", "segment_membership_changes"):
            changed = {row[0] for row in con.fetchall(
                "select distinct segment_name from segments.segment_membership_changes")}
        last_status = {}
        if con.table_exists(*RUNS_TABLE.split(".")):
            for destination, target, status in con.fetchall(
                f"select destination, destination_target, max_by(status, started_at) from {RUNS_TABLE}"
                " group by destination, destination_target"
            ):
                last_status[destination, target] = status
    finally:
        con.close()
    return {d for d in configured
            if d.segment in changed or last_status.get((d.format_name, targets[d])) != RUN_SUCCEEDED}


def activate(warehouse: str | None, target_path: str, out_dir: str) -> str:
    """Sync every configured destination that is due (segments_to_sync); one destination's failure does not stop
    the others. A destination not configured in this environment (Marketo without credentials) is skipped, and
    said."""
    configured = configured_destinations(target_path)
    made: dict[ConfiguredDestination, Destination] = {}
    for entry in configured:
        try:
            made[entry] = entry.create(out_dir)
        except DestinationError as error:
            raise PipelineError(f"{entry.label}: {error}") from error
    targets = {d: made[d].target(d.segment) for d in configured}
    due = segments_to_sync(warehouse, configured, targets)
    done, failures = [], []
    for entry in configured:
        if entry not in due:
            continue
        destination = made[entry]
        try:
            destination.check_configured()
        except DestinationNotConfigured as error:  # not configured here: said, not failed (sent once configured)
            done.append(f"{entry.label} skipped ({error})")
            continue
        try:
            _, result = run(entry.segment, destination, warehouse)
        except Exception as error:  # one destination's failure does not stop the others
            failures.append(f"{entry.label}: {error}")
            continue
        requested = f", campaign requested {result.counts.requested}" if result.plan.request is not None else ""
        done.append(f"{entry.label} {result.status} (+{result.counts.added} -{result.counts.removed}{requested})")
        if result.status != RUN_SUCCEEDED:
            failures.append(f"{entry.label}: {result.message}")
    if failures:
        raise PipelineError("; ".join(done + failures))
    unchanged = len(configured) - len(due)
    return "; ".join(done + ([f"{unchanged} destination(s) unchanged"] if unchanged else [])) or "no destinations"


# ----------------------------------------------------------------------------------------------
# Report


def refresh_report(warehouse: str | None, out_dir: str) -> str:
    """Write the audience report into ``out_dir`` (cdp.report); PipelineError when it cannot."""
    from cdp.report import ReportError, write_report  # imported here: Plotly loads only for cycles with --report

    try:
        written = write_report(out_dir, warehouse)
    except (ReportError, WarehouseError, OSError) as error:
        raise PipelineError(f"report: {error}") from error
    return f"{written.path} ({written.size_bytes / 1_000_000:.1f} MB, {written.charts} charts)"


# ----------------------------------------------------------------------------------------------
# A cycle


def run_cycle(drop: Path, warehouse: str | None = None, dbt_vars: str | None = None, target_path: str = "target",
              out_dir: str = "out", wait: bool = False, report: bool = False) -> CycleReport:
    """Load, build, activate and, with ``report``, write the audience report, under the pipeline lock. Raises
    cdp.warehouse.connection.LockBusy if a cycle is running and ``wait`` is false."""
    cycle = CycleReport()
    with exclusive_lock("pipeline", warehouse, wait=wait):
        def do_load() -> str:
            batches, rows = load_batches(drop, warehouse)
            cycle.batch = ", ".join(batches) or None
            return f"{len(batches)} batch(es), {rows:,} rows" if batches else "no new files"

        if _timed(cycle, "load", do_load) is None:
            return cycle
        if _timed(cycle, "build", lambda: build(warehouse, dbt_vars, target_path)) is None:
            return cycle
        _timed(cycle, "activate", lambda: activate(warehouse, target_path, out_dir))
        if report:  # after activation, whatever it did: the report shows the syncs that failed too
            _timed(cycle, "report", lambda: refresh_report(warehouse, out_dir))
    return cycle
