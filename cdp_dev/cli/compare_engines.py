"""scripts/compare_engines.py (cdp-compare-engines): compare the public models two builds exported as Parquet
(cdp_dev.compare); make test-spark compares a DuckDB and a Spark build."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from cdp.logs import setup_logging
from cdp_dev.compare import compare_exports, format_report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="compare_engines.py",
        description="Compare the public models exported by two builds (dbt build --vars "
        "'{compare_export_dir: DIR}'), as multisets of rows. Exit 1 when any model differs.",
    )
    parser.add_argument("left", type=Path, help="export folder of the first build (e.g. the DuckDB one)")
    parser.add_argument("right", type=Path, help="export folder of the second build (e.g. the Spark one)")
    parser.add_argument("--names", nargs=2, default=("left", "right"), metavar=("LEFT", "RIGHT"),
                        help="what to call the two builds in the report (default: left right)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING)
    results = compare_exports(args.left, args.right)
    if not results:
        print(f"error: no exported models in {args.left} or {args.right}", file=sys.stderr)
        return 1
    print(format_report(results, *args.names))
    different = [r.model for r in results if not r.same]
    if different:
        print(f"error: {len(different)} of {len(results)} models differ: {', '.join(different)}", file=sys.stderr)
        return 1
    print(f"{len(results)} models: the same rows in both builds")
    return 0
