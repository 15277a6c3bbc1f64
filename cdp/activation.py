"""Send a segment's audience to a destination, incrementally, and log the run: the command line of
scripts/export_audience.py.

Destinations (``--format``):

* ``marketo`` (with ``--list-name``): a Marketo static list through the REST API (cdp.marketo). Only the changes
  since the last successful sync are sent: new members are upserted as leads and added to the list, leavers
  (and members who stopped being marketable) are removed from it.
* ``marketo-csv``, ``linkedin-csv``, ``csv``, ``parquet``: a file with the whole audience (cdp.export), replaced
  atomically.

Every run except a dry run is logged in the warehouse (cdp.sync: activation.activation_sync_runs and
activation.activation_sync_members); the diff of the next run is taken against that log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from cdp.export import (
    DEFAULT_OUT_DIR,
    FORMATS,
    ExportError,
    fetch_audience,
    format_report,
    output_path,
    replace_atomically,
    write_atomically,
)
from cdp.marketo import (
    BATCH_SIZE,
    ENV_BASE_URL,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    MarketoAuthError,
    MarketoClient,
    MarketoConfig,
    MarketoError,
    MarketoFatalError,
    MarketoQuotaExceeded,
)
from cdp.sync import (
    ADDED,
    FAILED,
    REMOVED,
    RUN_FAILED,
    RUN_PARTIAL,
    RUN_STOPPED,
    RUN_SUCCEEDED,
    SUCCEEDED,
    MemberOutcome,
    SyncError,
    SyncLog,
    SyncPlan,
    SyncResult,
    chunks,
    plan_sync,
    read_synced_state,
)
from cdp.text_table import format_table
from cdp.warehouse import DEFAULT_PATH, WarehouseError, connect, exclusive_lock

log = logging.getLogger(__name__)

MARKETO = "marketo"
DESTINATIONS = sorted([MARKETO, *FORMATS])
# Marketo's answer when a lead to remove is not (or no longer) in the list: the removal has nothing left to do.
NOT_IN_LIST_CODE = "1015"
PROGRESS_MIN_BATCHES = 4  # smaller syncs finish before a bar would be worth drawing
MAX_LISTED_CHANGES = 10

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL, EXIT_STOPPED = 0, 1, 3, 4
EXIT_CODES = {RUN_SUCCEEDED: EXIT_OK, RUN_PARTIAL: EXIT_PARTIAL, RUN_STOPPED: EXIT_STOPPED, RUN_FAILED: EXIT_ERROR}


class Progress:
    """Counts members as batches finish; draws a bar on a terminal when the sync has several batches."""

    def __init__(self, total: int, description: str) -> None:
        batches = -(-total // BATCH_SIZE)
        self._bar = tqdm(total=total, desc=description, unit="member", file=sys.stderr, leave=False,
                         disable=None if batches >= PROGRESS_MIN_BATCHES else True)  # None: only on a terminal

    def update(self, members: int) -> None:
        self._bar.update(members)

    def close(self) -> None:
        self._bar.close()


# ----------------------------------------------------------------------------------------------
# Destinations: each turns a plan into member outcomes, recorded batch by batch


@dataclass(frozen=True)
class FileDestination:
    """A file with the whole audience: writing it adds and removes every planned member at once."""

    format_name: str
    out_dir: str

    @property
    def name(self) -> str:
        return self.format_name

    def target(self, segment: str) -> str:
        return str(output_path(self.out_dir, segment, self.format_name).resolve())

    def describe(self, segment: str) -> str:
        return f"{self.format_name} file {output_path(self.out_dir, segment, self.format_name)}"

    def apply(self, plan: SyncPlan, sync_log: SyncLog, progress: Progress) -> None:
        export_format = FORMATS[self.format_name]
        path = Path(plan.target)
        if export_format.write_file is not None:
            replace_atomically(path, lambda temp: export_format.write_file(plan.audience, temp))
        else:
            write_atomically(path, lambda stream: export_format.write(plan.audience, stream))
        outcomes = [MemberOutcome(m.key, m.person_id, ADDED, SUCCEEDED) for m in plan.to_add]
        outcomes += [MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED) for m in plan.to_remove]
        sync_log.record(outcomes)
        progress.update(len(outcomes))


def lead_fields(member) -> dict[str, str]:
    """The Marketo lead fields a member is upserted with (email is the lookup field)."""
    fields = {
        "email": member.email,
        "firstName": member.first_name,
        "lastName": member.last_name,
        "company": member.company_name,
        "title": member.title,
        "country": member.country,
    }
    return {name: value for name, value in fields.items() if value or name == "email"}


@dataclass(frozen=True)
class MarketoDestination:
    """A Marketo static list, found (or, given a folder, created) by name."""

    list_name: str
    folder_id: int | None = None
    client_factory: Callable[[], MarketoClient] | None = None

    name = MARKETO

    def target(self, segment: str) -> str:
        return self.list_name

    def describe(self, segment: str) -> str:
        return f"Marketo static list {self.list_name!r}"

    def client(self) -> MarketoClient:
        if self.client_factory is not None:
            return self.client_factory()
        return MarketoClient(MarketoConfig.from_env())

    def apply(self, plan: SyncPlan, sync_log: SyncLog, progress: Progress) -> None:
        with self.client() as client:
            list_id = self._list_id(client)
            for batch in chunks(plan.to_add, BATCH_SIZE):
                sync_log.record(self._add(client, list_id, batch))
                progress.update(len(batch))
            for batch in chunks(plan.to_remove, BATCH_SIZE):
                sync_log.record(self._remove(client, list_id, batch))
                progress.update(len(batch))

    def _list_id(self, client: MarketoClient) -> int:
        if self.folder_id is not None:
            return client.ensure_static_list(self.list_name, self.folder_id)
        found = client.get_static_list_by_name(self.list_name)
        if found is None:
            raise MarketoFatalError(None, f"there is no static list {self.list_name!r}; "
                                    "pass --folder-id to create it in that folder")
        return int(found["id"])

    @staticmethod
    def _add(client: MarketoClient, list_id: int, batch: Sequence) -> list[MemberOutcome]:
        """Upsert the members as leads, then add those Marketo accepted to the list."""
        outcomes: list[MemberOutcome] = []
        upserted = []
        for member, result in zip(batch, client.upsert_leads([lead_fields(m) for m in batch])):
            if result.lead_id is not None and result.status in ("created", "updated"):
                upserted.append((member, result.lead_id))
            else:
                outcomes.append(MemberOutcome(member.key, member.person_id, ADDED, FAILED, result.reason_code,
                                              result.reason_message or f"lead {result.status or 'not accepted'}"))
        if upserted:
            listed = client.add_to_list(list_id, [lead_id for _, lead_id in upserted])
            for (member, lead_id), result in zip(upserted, listed):
                status = SUCCEEDED if result.status == "added" else FAILED
                outcomes.append(MemberOutcome(member.key, member.person_id, ADDED, status, result.reason_code,
                                              result.reason_message, str(lead_id)))
        return outcomes

    @staticmethod
    def _remove(client: MarketoClient, list_id: int, batch: Sequence) -> list[MemberOutcome]:
        outcomes = [  # added before a Marketo lead id was known: nothing to remove
            MemberOutcome(m.email_key, m.person_id, REMOVED, SUCCEEDED, None, "no Marketo lead id on record")
            for m in batch if not m.destination_member_id
        ]
        known = [m for m in batch if m.destination_member_id]
        if known:
            removed = client.remove_from_list(list_id, [int(m.destination_member_id) for m in known])
            for member, result in zip(known, removed):
                done = result.status == "removed" or result.reason_code == NOT_IN_LIST_CODE
                outcomes.append(MemberOutcome(member.email_key, member.person_id, REMOVED,
                                              SUCCEEDED if done else FAILED, result.reason_code,
                                              result.reason_message, member.destination_member_id))
        return outcomes


# ----------------------------------------------------------------------------------------------
# A run


def prepare(segment: str, destination, warehouse: str | None, full_resync: bool = False) -> SyncPlan:
    """Read the audience and the synced state (read-only) and diff them."""
    target = destination.target(segment)  # checked before the warehouse is opened
    con = connect(warehouse, read_only=True)
    try:
        audience = fetch_audience(con, segment)
        synced = read_synced_state(con, destination.name, target)
    finally:
        con.close()
    return plan_sync(audience, synced, destination.name, target, full_resync=full_resync)


def execute(plan: SyncPlan, destination, warehouse: str | None) -> SyncResult:
    """Apply the plan and log it; a destination that stops the run still leaves every finished batch recorded."""
    sync_log = SyncLog(warehouse, plan)
    sync_log.start()
    progress = Progress(len(plan.to_add) + len(plan.to_remove), plan.audience.segment)
    status, message = RUN_SUCCEEDED, None
    try:
        destination.apply(plan, sync_log, progress)
    except MarketoQuotaExceeded as error:
        status, message = RUN_STOPPED, f"Marketo daily API quota reached ({error.code}): rerun once it resets"
    except MarketoFatalError as error:
        status, message = RUN_FAILED, f"Marketo refused the request ({error.code or 'no code'}): {error}"
    except MarketoAuthError as error:
        status, message = RUN_STOPPED, f"Marketo authentication failed ({error.code}): {error}"
    except MarketoError as error:
        status, message = RUN_STOPPED, f"Marketo call failed ({error.code or 'no code'}): {error}"
    except OSError as error:
        status, message = RUN_FAILED, f"cannot write the file: {error}"
    except BaseException as error:  # recorded, then raised again: the log never keeps a run "running"
        sync_log.finish(RUN_FAILED, f"{type(error).__name__}: {error}")
        raise
    finally:
        progress.close()
    if status == RUN_SUCCEEDED and sync_log.counts.failed:
        status = RUN_PARTIAL
        message = f"{sync_log.counts.failed} member(s) failed; the next run retries them"
    return sync_log.finish(status, message)


# ----------------------------------------------------------------------------------------------
# What the command prints


def _changes_table(plan: SyncPlan) -> list[str]:
    rows = [("operation", "email", "name")]
    rows += [(ADDED, m.email, f"{m.first_name} {m.last_name}".strip()) for m in plan.to_add[:MAX_LISTED_CHANGES]]
    rows += [(REMOVED, m.email_key, "") for m in plan.to_remove[:max(0, MAX_LISTED_CHANGES + 1 - len(rows))]]
    more = len(plan.to_add) + len(plan.to_remove) - (len(rows) - 1)
    lines = format_table(rows, indent="  ")
    if more > 0:
        lines.append(f"  ... and {more} more")
    return lines


def counts_table(plan: SyncPlan, result: SyncResult | None = None) -> list[str]:
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
    return format_table([header, tuple(str(v) for v in values)], indent="  ", right_aligned=range(len(header)))


def format_plan(plan: SyncPlan, destination) -> str:
    """The dry run's report: the diff, counted, and its first rows."""
    lines = [
        f"dry run: {plan.audience.segment} -> {destination.describe(plan.audience.segment)} "
        f"({plan.mode.replace('_', ' ')}; nothing was sent or written)",
        *counts_table(plan),
    ]
    if plan.to_add or plan.to_remove:
        lines += ["", *_changes_table(plan)]
    return "\n".join(lines)


def format_result(result: SyncResult, destination) -> str:
    """The one-screen summary at the end of a run."""
    plan = result.plan
    lines = [
        f"{plan.audience.segment} -> {destination.describe(plan.audience.segment)}: {result.status} "
        f"in {result.seconds:.1f} s ({plan.mode.replace('_', ' ')}, run {result.run_id})",
        *counts_table(plan, result),
    ]
    if result.message:
        lines += ["", result.message]
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


# ----------------------------------------------------------------------------------------------
# Command line

DESCRIPTION = """\
Send a segment's marketable members to an activation destination. Members who are not marketable (no consent)
are never sent, and are removed from a destination they were synced to. Every run is logged in the warehouse
(activation.activation_sync_runs, activation.activation_sync_members) and sends only what changed since the last
successful sync to the same destination; members that failed are retried by the next run."""

EPILOG = f"""\
Marketo (--format marketo) reads its credentials from the environment only:
  {ENV_BASE_URL}       the instance root, e.g. https://123-ABC-456.mktorest.com
  {ENV_CLIENT_ID}      the API-only user's client id
  {ENV_CLIENT_SECRET}  its client secret (never printed, logged or stored)

exit status: 0 done; 1 error (nothing sent, or the destination refused the run); 2 bad arguments;
3 done, but some members failed (the next run retries them); 4 stopped early (Marketo quota, authentication or
network): the finished batches are recorded and the next run sends the rest."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="export_audience.py", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--segment", required=True, metavar="NAME",
        help="segment to send, as named in segments.segment_membership (e.g. seg_new_product_upsell)",
    )
    parser.add_argument(
        "--format", dest="format_name", choices=DESTINATIONS, default="marketo-csv",
        help="destination: marketo, a Marketo static list through the REST API (needs --list-name); "
        "marketo-csv, a Marketo static-list import file (Email Address, First Name, Last Name, Company Name, "
        "Job Title); linkedin-csv, a LinkedIn Matched Audiences contact list with the email as its SHA-256 hash "
        "(of the trimmed, lower-cased address) and first/last name, company, job title, country; csv and parquet, "
        "every member with their traits (person_traits) (default: %(default)s)",
    )
    parser.add_argument("--list-name", metavar="NAME", help="--format marketo: the static list to keep in sync")
    parser.add_argument(
        "--folder-id", metavar="ID", type=int,
        help="--format marketo: create the list in this Marketo folder if it does not exist yet (without it, a "
        "missing list is an error)",
    )
    parser.add_argument(
        "--out", metavar="DIR", default=DEFAULT_OUT_DIR,
        help="file formats: directory to write <segment><format suffix> into (e.g. seg_x.marketo.csv), created if "
        "missing; an existing file is replaced atomically (default: %(default)s/)",
    )
    parser.add_argument(
        "--warehouse", metavar="PATH", default=None,
        help="DuckDB warehouse file; a relative path is taken from the project root "
        f"(default: $CDP_DUCKDB_PATH, else {DEFAULT_PATH})",
    )
    parser.add_argument(
        "--full-resync", action="store_true",
        help="send every member again, not only the changes (leavers are still removed)",
    )
    parser.add_argument(
        "--dry-run", action="store_true",
        help="compute and print the diff (counts and the first rows); call nothing, write nothing",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log diagnostics to stderr")
    return parser


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)  # always one line
    return EXIT_ERROR


def destination_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser):
    if args.format_name == MARKETO:
        if not (args.list_name or "").strip():
            parser.error("--format marketo needs --list-name NAME (the static list to sync)")
        return MarketoDestination(args.list_name.strip(), args.folder_id)
    if args.list_name or args.folder_id is not None:
        parser.error("--list-name and --folder-id go with --format marketo only")
    return FileDestination(args.format_name, args.out)


def run(
    segment: str, destination, warehouse: str | None = None, *, full_resync: bool = False, dry_run: bool = False
) -> tuple[SyncPlan, SyncResult | None]:
    """Plan and (unless a dry run) execute one sync; one sync at a time per warehouse."""
    if dry_run:
        return prepare(segment, destination, warehouse, full_resync), None
    with exclusive_lock("activation", warehouse):
        plan = prepare(segment, destination, warehouse, full_resync)
        if isinstance(destination, MarketoDestination) and destination.client_factory is None:
            MarketoConfig.from_env()  # missing credentials: stop before anything is logged
        return plan, execute(plan, destination, warehouse)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    destination = destination_from_args(args, parser)
    try:
        plan, result = run(args.segment, destination, args.warehouse, full_resync=args.full_resync,
                           dry_run=args.dry_run)
    except (ExportError, WarehouseError, SyncError) as error:
        return _fail(str(error))
    except MarketoError as error:  # configuration
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write the export to {args.out}: {error}")

    if isinstance(destination, FileDestination):
        path = output_path(args.out, args.segment, args.format_name)
        print(format_report(path, plan.audience, args.dry_run))
        if result is None:
            print(format_plan(plan, destination).split("\n", 1)[1])  # the diff, without a second title
            return EXIT_OK
        if result.status != RUN_SUCCEEDED:
            return _fail(result.message or result.status)
        print(f"sync log: {len(plan.to_add)} added, {len(plan.to_remove)} removed since the last export "
              f"(run {result.run_id})")
        return EXIT_OK
    if result is None:
        print(format_plan(plan, destination))
        return EXIT_OK
    print(format_result(result, destination))
    return EXIT_CODES.get(result.status, EXIT_ERROR)

