"""scripts/report.py (cdp-report): write the audience report, one self-contained HTML page (cdp.report).

    python scripts/report.py [--out DIR] [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.cli import WAREHOUSE_HELP
from cdp.logs import NAMED, PLAIN, setup_logging
from cdp.report import REPORT_FILE, ReportError, write_report
from cdp.warehouse.connection import WarehouseError

DESCRIPTION = """\
Write the audience report: one HTML page, viewable without a network, with each segment's size now and over time,
who entered and exited per run, the per-condition funnel, the overlap of segments, the last syncs and alerts, data
quality, and how many records each person and account was unified from. It reads the warehouse read-only: the
DuckDB file, or with CDP_TARGET=spark_cluster the Spark Thrift server."""

EPILOG = "exit status: 0 written; 1 the warehouse cannot be read or is not built; 2 bad arguments."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="report.py", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", metavar="DIR", default="out",
                        help=f"the folder to write {REPORT_FILE} into (default: %(default)s/)")
    parser.add_argument("--warehouse", metavar="PATH",
                        help=WAREHOUSE_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", help="log the time of each stage to stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.INFO if args.verbose else logging.WARNING, NAMED if args.verbose else PLAIN)
    try:
        written = write_report(args.out, args.warehouse)
    except (ReportError, WarehouseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot write the report into {args.out}: {error}", file=sys.stderr)
        return 1
    print(f"report: {written.path} ({written.size_bytes / 1_000_000:.1f} MB, {written.charts} charts, "
          f"{written.seconds:.1f} s)")
    return 0
