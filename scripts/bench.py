#!/usr/bin/env python
"""Benchmark the pipeline at a given scale: load, full build, incremental build, freshness, memory, vs. targets.

    python scripts/bench.py --accounts 100000 [--seed 1] [--cache DIR] [--json FILE]

The logic lives in cdp/bench.py; the README's "Performance" section reports the figures.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.bench import DEFAULT_ACTIVITIES_PER_PERSON, DEFAULT_CACHE, Bench, write_json  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, required=True, metavar="N", help="generated accounts (scale)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default: %(default)s)")
    parser.add_argument("--activities-per-person", type=float, default=DEFAULT_ACTIVITIES_PER_PERSON, metavar="X",
                        help="mean generated activities per person (default: %(default)s, the targets' scale: about "
                        "10M activities at 100000 accounts)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, metavar="DIR",
                        help="where generated data sets are cached and the benchmark works (default: %(default)s)")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="write the results as JSON here (default: <cache>/results-<accounts>.json)")
    args = parser.parse_args(argv)
    if args.accounts < 1:
        parser.error("--accounts must be at least 1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    try:
        result = Bench(args.accounts, args.seed, args.cache, args.activities_per_person).run()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    path = write_json(result, args.json or args.cache / f"results-{args.accounts}-app{args.activities_per_person:g}.json")
    print(result.format())
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
