"""scripts/run_pipeline.py (cdp-run-pipeline): run the platform on a schedule (cdp.pipeline): load new files from a
drop folder, build what they affect, activate what changed.

    python scripts/run_pipeline.py --drop DIR [--vars JSON] [--every 5m] [--report]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cdp.cli import WAREHOUSE_HELP
from cdp.logs import TIMED, setup_logging
from cdp.pipeline import parse_interval, run_cycle
from cdp.warehouse.connection import LockBusy, WarehouseError

DESCRIPTION = ("Run the platform on a schedule: load new files from a drop folder, build what they affect, activate "
               "what changed.")

EPILOG = """\
each cycle:
  1. load   the files in DIR (raw layout: DIR/<source>/<table>.csv|.parquet), appended with the loader in one
            transaction; then they are moved to DIR/.loaded/<batch>/, so a file is never loaded twice
  2. build  dbt build of what the new rows affect, plus the time-dependent models (traits and segments)
  3. activate  every destination declared in a segment's activation (macro segment) whose segment changed or whose last
            sync did not finish (Marketo needs MARKETO_BASE_URL, MARKETO_CLIENT_ID, MARKETO_CLIENT_SECRET)
  4. report  with --report: the audience report, written to OUT/report.html (see scripts/report.py)

Only one cycle runs per warehouse: a second one exits (status 75) or, with --wait, waits. A cycle killed at any
point is finished by the next one.

exit status: 0 every step succeeded; 1 a step failed (see the cycle's table); 2 bad arguments; 75 another cycle
is running. With --every it runs until interrupted and exits 0 on Ctrl-C."""

EXIT_BUSY = 75  # EX_TEMPFAIL: try again later


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_pipeline.py", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drop", required=True, type=Path, metavar="DIR", help="the drop folder to load from")
    parser.add_argument("--vars", dest="dbt_vars", metavar="JSON", help="dbt vars for the build (a YAML/JSON dict)")
    parser.add_argument("--every", metavar="INTERVAL", type=parse_interval,
                        help="run a cycle every INTERVAL (e.g. 30s, 5m, 1h) until interrupted; default: one cycle")
    parser.add_argument("--wait", action="store_true", help="wait for a running cycle instead of exiting")
    parser.add_argument("--warehouse", metavar="PATH",
                        help=WAREHOUSE_HELP)
    parser.add_argument("--out", metavar="DIR", default="out",
                        help="where file destinations write, and --report the report (default: %(default)s/)")
    parser.add_argument("--report", action="store_true",
                        help="refresh the audience report (--out/report.html) at the end of each cycle")
    parser.add_argument("--target-path", metavar="DIR", default="target",
                        help="dbt's target folder (default: %(default)s/)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step's details to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.drop.is_dir():
        parser.error(f"--drop {args.drop}: no such folder")
    setup_logging(logging.INFO if args.verbose else logging.WARNING, TIMED)

    status = 0
    try:
        while True:
            started = time.monotonic()
            try:
                report = run_cycle(args.drop, args.warehouse, args.dbt_vars, args.target_path, args.out, args.wait,
                                   report=args.report)
            except LockBusy as error:
                print(f"error: {error}", file=sys.stderr)
                return EXIT_BUSY
            except WarehouseError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            print(report.format(), flush=True)
            status = 0 if report.ok else 1
            if args.every is None:
                return status
            time.sleep(max(0.0, args.every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 0
