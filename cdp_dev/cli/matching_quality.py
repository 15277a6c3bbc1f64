"""scripts/matching_quality.py (cdp-matching-quality): how well a build unifies the source accounts the MDM does not
map, against the generator's truth (cdp_dev.matching.quality): pairwise precision and recall, false merges and
missed matches.

python scripts/matching_quality.py (--accounts N [--seed S] | --truth FILE) [--warehouse PATH] [--examples K]
                                   [--min-precision P] [--min-recall R]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from cdp.logs import setup_logging
from cdp.warehouse.connection import WarehouseError
from cdp_dev.generator import GeneratorError, account_truth, read_account_truth
from cdp_dev.matching.quality import EXAMPLES, format_quality, measure

EPILOG = """\
The warehouse must hold a build (dbt build --exclude tag:demo) of a generated set: the truth is the generator's
(--accounts and --seed as the set was generated with; or the file `generate_data.py --truth FILE` wrote).

measured: the source accounts in both marts.account_identity_map and the truth. Pairs: every unordered pair of
them with at least one not MDM-mapped (match_method <> 'mdm'; a map without match_method: no golden_account_id).
Predicted a match: the same account_id; truly a match: the same company. precision = TP / (TP + FP),
recall = TP / (TP + FN), each 1.0 when its denominator is 0.

exit status: 0 measured (and above the minimums), 1 below a minimum or no warehouse / mart / truth file,
2 bad arguments."""


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be from 0 to 1, got {text!r}")
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matching_quality.py",
        description="Measure the account matching of a built warehouse against the truth of the generated set it "
                    "was built from: pairwise precision and recall on the source accounts the MDM does not map.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    truth = parser.add_mutually_exclusive_group(required=True)
    truth.add_argument("--accounts", metavar="N", type=_whole_number,
                       help="the truth of the set generated with --accounts N (and --seed S)")
    truth.add_argument("--truth", metavar="FILE", type=Path,
                       help="the truth as a CSV file (written by generate_data.py --truth FILE)")
    parser.add_argument("--seed", metavar="S", type=_whole_number, default=1,
                        help="with --accounts: the seed the set was generated with (default: 1)")
    parser.add_argument("--warehouse", metavar="PATH", default=None,
                        help="DuckDB warehouse file (default: $CDP_DUCKDB_PATH, else warehouse/cdp.duckdb)")
    parser.add_argument("--examples", metavar="K", type=_whole_number, default=EXAMPLES,
                        help=f"list up to K false merges and K missed matches (default: {EXAMPLES})")
    parser.add_argument("--min-precision", metavar="P", type=_share,
                        help="exit 1 when the precision is below P (0 to 1)")
    parser.add_argument("--min-recall", metavar="R", type=_share,
                        help="exit 1 when the recall is below R (0 to 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(logging.WARNING)
    if args.examples < 0:
        parser.error("--examples must be 0 or more")
    try:
        truth = (account_truth(args.accounts, args.seed) if args.truth is None
                 else read_account_truth(args.truth))
    except GeneratorError as error:
        parser.error(str(error))
    except (OSError, ValueError) as error:
        print(f"error: cannot read the truth: {error}", file=sys.stderr)
        return 1
    try:
        quality = measure(args.warehouse, truth, examples=args.examples)
    except WarehouseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_quality(quality))
    failed = [f"{name} {value:.3f} is below {minimum:g}"
              for name, value, minimum in (("precision", quality.precision, args.min_precision),
                                           ("recall", quality.recall, args.min_recall))
              if minimum is not None and value < minimum]
    for failure in failed:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failed else 0
