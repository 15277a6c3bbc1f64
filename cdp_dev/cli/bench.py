"""scripts/bench.py (cdp-bench): benchmark the pipeline at a given scale (cdp_dev.bench): load, full build,
incremental build, freshness, memory, against the README's targets.

    python scripts/bench.py --accounts 100000 [--seed 1] [--cache DIR] [--json FILE]
    CDP_TARGET=spark_cluster python scripts/bench.py --accounts 10000     # the same on the local Spark cluster
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from cdp.logs import CLOCK, setup_logging
from cdp_dev.bench import DEFAULT_ACTIVITIES_PER_PERSON, DEFAULT_CACHE, Bench, write_json

DESCRIPTION = ("Benchmark the pipeline at a given scale: load, full build, incremental build, freshness, memory, "
               "vs. targets.")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench.py", description=DESCRIPTION)
    parser.add_argument("--accounts", type=int, required=True, metavar="N", help="generated accounts (scale)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument("--activities-per-person", type=float, default=DEFAULT_ACTIVITIES_PER_PERSON, metavar="X",
                        help="mean generated activities per person (default: %(default)s, the targets' scale: about "
                        "10M activities at 100000 accounts)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, metavar="DIR",
                        help="where generated data sets are cached and the benchmark works (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="write the results as JSON here (default: <cache>/results-<accounts>-app<X>.json, "
                             "-spark.json with CDP_TARGET=spark_cluster)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.accounts < 1:
        parser.error("--accounts must be at least 1")
    setup_logging(logging.INFO, CLOCK)
    try:
        result = Bench(args.accounts, args.seed, args.cache, args.activities_per_person).run()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    engine = "" if result.engine == "duckdb" else f"-{result.engine}"
    default_json = args.cache / f"results-{args.accounts}-app{args.activities_per_person:g}{engine}.json"
    path = write_json(result, args.json or default_json)
    print(result.format())
    print(f"\nresults: {path}")
    return 0
