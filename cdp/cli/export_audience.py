"""scripts/export_audience.py (cdp-export-audience): send a segment's audience to a destination, with a sync log.

Destinations (``--format``, cdp.activation.destinations):

* ``marketo`` (with ``--list-name``): a Marketo static list through the REST API. Only the changes since the last
  successful sync are sent: new members are upserted as leads and added to the list, leavers (and members who
  stopped being marketable) are removed from it. With ``--campaign-id``, the smart campaign is then requested for
  the members who entered the list, once per entry into the audience.
* ``linkedin`` (with ``--audience-name`` and ``--ad-account``): a LinkedIn Matched Audiences DMP segment through the
  Marketing API, people by their hashed email or, for an account segment, companies by name and domain; only the
  changes since the last successful sync are sent.
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
from cdp.activation.destinations.linkedin import LINKEDIN
from cdp.activation.destinations.linkedin_api import (
    DEFAULT_BASE_URL as LINKEDIN_DEFAULT_BASE_URL,
    DEFAULT_VERSION as LINKEDIN_DEFAULT_VERSION,
    ENV_ACCESS_TOKEN as LINKEDIN_ENV_ACCESS_TOKEN,
    ENV_BASE_URL as LINKEDIN_ENV_BASE_URL,
    ENV_VERSION as LINKEDIN_ENV_VERSION,
)
from cdp.activation.destinations.marketo import MARKETO
from cdp.activation.destinations.marketo_api import ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET
from cdp.activation.sync import format_plan, format_report, format_result, run
from cdp.activation.alerts import DEFAULT_MAX_FAILURE_RATE, DEFAULT_MAX_REMOVAL_RATE, ENV_WEBHOOK, AlertPolicy
from cdp.activation.sync_log import (
    RUN_FAILED,
    RUN_PARTIAL,
    RUN_REFUSED,
    RUN_STOPPED,
    RUN_SUCCEEDED,
    SyncError,
    SyncPlan,
)
from cdp.cli import WAREHOUSE_HELP
from cdp.logs import NAMED, setup_logging
from cdp.warehouse.connection import WarehouseError

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL, EXIT_STOPPED, EXIT_REFUSED = 0, 1, 3, 4, 5
EXIT_CODES = {RUN_SUCCEEDED: EXIT_OK, RUN_PARTIAL: EXIT_PARTIAL, RUN_STOPPED: EXIT_STOPPED, RUN_FAILED: EXIT_ERROR,
              RUN_REFUSED: EXIT_REFUSED}

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

LinkedIn (--format linkedin) reads its configuration from the environment only:
  {LINKEDIN_ENV_ACCESS_TOKEN}  an OAuth access token with rw_dmp_segments (never printed, logged or stored)
  {LINKEDIN_ENV_BASE_URL}      the API root (default: {LINKEDIN_DEFAULT_BASE_URL}; calls go to its /rest/)
  {LINKEDIN_ENV_VERSION}       the LinkedIn-Version header, YYYYMM (default: {LINKEDIN_DEFAULT_VERSION})

Alerts: a run that stops early, that has more than --max-failure-rate of its members failed, or that would remove
more than --max-removal-rate of a list (refused, unless --force) writes a row to activation.activation_alerts and,
when {ENV_WEBHOOK} is set, posts a Slack-compatible message to it (the address is never printed).

exit status: 0 done; 1 error (nothing sent, or the destination refused the run); 2 bad arguments;
3 done, but some members failed (the next run retries them); 4 stopped early (a quota or rate limit, an expired
token, the network): the finished batches are recorded and the next run sends the rest; 5 refused by the
mass-removal guard (nothing sent)."""


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
        "linkedin, a LinkedIn Matched Audiences DMP segment through the Marketing API, people by their hashed email "
        "or companies by name and domain (needs --audience-name and --ad-account); "
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
        "--campaign-id", metavar="ID", type=int,
        help="--format marketo: after the list sync, request this smart campaign (its trigger: Campaign is "
        "Requested, from the Web Service API) for the members who entered the list, once per entry into the "
        "audience; a request that failed is made again by the next run",
    )
    parser.add_argument(
        "--audience-name", metavar="NAME",
        help="--format linkedin: the DMP segment to keep in sync, found by name in the ad account or created there "
        "(a USER segment for a person segment, a COMPANY segment for an account segment)",
    )
    parser.add_argument("--ad-account", metavar="ID",
                        help="--format linkedin: the LinkedIn ad account (its numeric id) that holds the DMP segment")
    parser.add_argument(
        "--out", metavar="DIR", default=DEFAULT_OUT_DIR,
        help="file formats: directory to write <segment><format suffix> into (e.g. seg_x.marketo.csv), created if "
        "missing; an existing file is replaced atomically (default: %(default)s/)",
    )
    parser.add_argument(
        "--warehouse", metavar="PATH", default=None,
        help=WAREHOUSE_HELP,
    )
    parser.add_argument(
        "--full-resync", action="store_true",
        help="send every member again, not only the changes (leavers are still removed)",
    )
    parser.add_argument(
        "--dry-run", action="store_true",
        help="compute and print the diff (counts and the first rows); call nothing, write nothing",
    )
    parser.add_argument(
        "--max-failure-rate", metavar="SHARE", type=_share, default=DEFAULT_MAX_FAILURE_RATE,
        help="raise an alert when more than this share of the members sent failed or were rejected "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-removal-rate", metavar="SHARE", type=_share, default=DEFAULT_MAX_REMOVAL_RATE,
        help="refuse the run, and raise an alert, when it would remove more than this share of the members the "
        "destination holds: a guard against a broken build emptying a list (default: %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="send even when the run would remove more than "
                        "--max-removal-rate of the members the destination holds")
    parser.add_argument("-v", "--verbose", action="store_true", help="log diagnostics to stderr")
    return parser


def _share(text: str) -> float:
    """A share between 0 and 1 (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"a share is between 0 and 1, got {text}")
    return value


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)  # always one line
    return EXIT_ERROR


def destination_from_args(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Destination:
    """The destination the arguments name; a usage error (exit 2) for options that do not go with it."""
    if args.format_name == MARKETO:
        if not (args.list_name or "").strip():
            parser.error("--format marketo needs --list-name NAME (the static list to sync)")
    elif args.list_name or args.folder_id is not None or args.campaign_id is not None:
        parser.error("--list-name, --folder-id and --campaign-id go with --format marketo only")
    if args.format_name == LINKEDIN:
        missing = [flag for flag, value in (("--audience-name", args.audience_name), ("--ad-account", args.ad_account))
                   if not (value or "").strip()]
        if missing:
            parser.error(f"--format linkedin needs {' and '.join(missing)} (the DMP segment and its ad account)")
    elif args.audience_name or args.ad_account:
        parser.error("--audience-name and --ad-account go with --format linkedin only")
    options = {"segment": args.segment, "out": args.out, "list_name": (args.list_name or "").strip() or None,
               "folder_id": args.folder_id, "campaign_id": args.campaign_id,
               "audience_name": (args.audience_name or "").strip() or None,
               "ad_account": (args.ad_account or "").strip() or None}
    try:
        return destinations.create(args.format_name, options)
    except DestinationError as error:
        parser.error(str(error))


def print_warnings(plan: SyncPlan, destination: Destination) -> None:
    """End the report with what the user should know before relying on the destination (Destination.warnings: a
    LinkedIn audience under the campaign minimum), one ``warning:`` line each."""
    for warning in destination.warnings(plan.audience):
        print(f"\nwarning: {warning}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(logging.DEBUG if args.verbose else logging.WARNING, NAMED)
    destination = destination_from_args(args, parser)
    try:
        policy = AlertPolicy(args.max_failure_rate, args.max_removal_rate, args.force)
        plan, result = run(args.segment, destination, args.warehouse, full_resync=args.full_resync,
                           dry_run=args.dry_run, policy=policy)
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
            _fail(result.message or result.status)
            return EXIT_CODES.get(result.status, EXIT_ERROR)
        print(f"sync log: {len(plan.to_add)} added, {len(plan.to_remove)} removed since the last export "
              f"(run {result.run_id})")
        return EXIT_OK
    if result is None:
        print(format_plan(plan, destination))
        print_warnings(plan, destination)
        return EXIT_OK
    print(format_result(result, destination))
    print_warnings(plan, destination)
    return EXIT_CODES.get(result.status, EXIT_ERROR)
