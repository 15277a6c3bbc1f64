"""scripts/export_audience.py (cdp-export-audience): send a segment's audience to a destination, with a sync log.

Destinations (``--format``, cdp.activation.destinations):

* ``marketo`` (with ``--list-name``): a Marketo static list through the REST API. Only the changes since the last
  successful sync are sent: new members are upserted as leads and added to the list, leavers (and members who
  stopped being marketable) are removed from it.
* ``marketo-csv``, ``linkedin-csv``, ``csv``, ``parquet``: a file with the whole audience, replaced atomically.

Every run except a dry run is logged in the warehouse (cdp.activation.sync_log: activation.activation_sync_runs and
activation.activation_sync_members); the diff of the next run is taken against that log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.activation import destinations
from cdp.activation.audience import AudienceError
from cdp.activation.destinations.base import Destination, DestinationError
from cdp.activation.destinations.files import DEFAULT_OUT_DIR
from cdp.activation.destinations.marketo import MARKETO
from cdp.activation.destinations.marketo_api import ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET
from cdp.activation.sync import format_plan, format_report, format_result, run
from cdp.activation.sync_log import RUN_FAILED, RUN_PARTIAL, RUN_STOPPED, RUN_SUCCEEDED, SyncError
from cdp.logs import NAMED, setup_logging
from cdp.warehouse.connection import DEFAULT_PATH, WarehouseError

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL, EXIT_STOPPED = 0, 1, 3, 4
EXIT_CODES = {RUN_SUCCEEDED: EXIT_OK, RUN_PARTIAL: EXIT_PARTIAL, RUN_STOPPED: EXIT_STOPPED, RUN_FAILED: EXIT_ERROR}

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
        "--format", dest="format_name", choices=destinations.names(), default="marketo-csv",
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


def destination_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Destination:
    """The destination the arguments name; a usage error (exit 2) for options that do not go with it."""
    if args.format_name == MARKETO:
        if not (args.list_name or "").strip():
            parser.error("--format marketo needs --list-name NAME (the static list to sync)")
    elif args.list_name or args.folder_id is not None:
        parser.error("--list-name and --folder-id go with --format marketo only")
    options = {"segment": args.segment, "out": args.out, "list_name": (args.list_name or "").strip() or None,
               "folder_id": args.folder_id}
    try:
        return destinations.create(args.format_name, options)
    except DestinationError as error:
        parser.error(str(error))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(logging.DEBUG if args.verbose else logging.WARNING, NAMED)
    destination = destination_from_args(args, parser)
    try:
        plan, result = run(args.segment, destination, args.warehouse, full_resync=args.full_resync,
                           dry_run=args.dry_run)
    except (AudienceError, WarehouseError, SyncError, DestinationError) as error:
        return _fail(str(error))
    except OSError as error:
        return _fail(f"cannot write the export to {args.out}: {error}")

    path = destination.file_path(args.segment)
    if path is not None:
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
