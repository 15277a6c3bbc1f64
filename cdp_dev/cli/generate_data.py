"""scripts/generate_data.py (cdp-generate-data): write a deterministic synthetic raw data set (every table of the raw
contract) for load_raw.py, or a batch of new activities (cdp_dev.generator).

python scripts/generate_data.py --accounts N --seed S --out DIR [--end DATE] [--shape SHAPE] [--force] [--truth FILE]
python scripts/generate_data.py --accounts N --seed S --out DIR --activity-batch FRACTION --batch-id K [--shape SHAPE]
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from cdp.logs import setup_logging
from cdp_dev.generator import (
    DEFAULT_ACTIVITIES_PER_PERSON,
    DEFAULT_SHAPE,
    NARROW_EXTRA_COLUMNS,
    SHAPES,
    WIDE_EXTRA_COLUMNS,
    GeneratorError,
    check_batch,
    check_out,
    check_settings,
    account_truth,
    format_counts,
    generate,
    generate_activity_batch,
    parse_end,
    write_account_truth,
)

log = logging.getLogger(__name__)

EPILOG = f"""\
output:
  DIR/marketo/<table>.parquet, DIR/salesforce/<table>.parquet, DIR/mdm/<table>.parquet: every table of the raw
  data contract (models/staging/<source>/_<source>__sources.yml), every contract column in its contract type,
  each file ORDER BY its key. Load it with `python scripts/load_raw.py DIR` (strict), then
  `dbt build --exclude tag:demo`.

shapes (--shape): the same rows encoded four ways; full, text and wide hold the same values (minimal a subset).
  full     as above (the default)
  minimal  only the required tables (not optional in the contract), only their required columns
  wide     as full, plus columns outside the contract, mostly null, of every type, as Fivetran's wide tables
           have: {WIDE_EXTRA_COLUMNS} on Salesforce account, contact, lead, opportunity and Marketo lead,
           {NARROW_EXTRA_COLUMNS} on every other table; custom fields (custom_field_001__c, ...) and awkward names
           (Region__c, "Account Source", _fivetran_deleted, _fivetran_id, and names the project uses downstream:
           _version_key, _version_rank, _unreadable_columns, _disposition, _dq_reason)
  text     DIR/<source>/<table>.csv as CSV exports write them: UTF-8 with a byte-order mark, CRLF line ends, a
           header line, RFC 4180 quoting; NULL an empty field (some non-text NULLs ""); each type spelled in
           rotating variants: booleans TRUE/true/t/1/yes/Yes (and their false forms), timestamps (UTC)
           2026-10-31 22:15:03, 2026-10-31T22:15:03.000, 2026-10-31T22:15:03Z, 2026-11-01T00:15:03+02:00,
           2026-10-31T17:15:03-0500, dates 2018-12-19, 2018-12-19 00:00:00, 2018-12-19T00:00:00.000,
           2018-12-19T00:00:00Z, floats 1500.5, +1500.5, 1.5005E+3, integers 42, +42, 42.0

content (per account, i.e. unified company): 1-3 source accounts across Salesforce and Marketo, ~80 % mapped by
the MDM crosswalk; ~10 persons as Marketo leads, Salesforce contacts and leads, overlapping; deals, roles,
campaigns, programs, lists; Marketo activities over the two years up to --end; ~0.5-1 % dirty rows of every kind
the data quality layer reports (see cdp_dev/generator/); 1 % of Salesforce opportunity names have a second line.
Every segment (seg_*) has members at any scale. For account matching: source account records as people type them
(name variants, typos, missing websites, phones, cities), look-alike companies, steward match decisions.

determinism: the same --accounts, --seed, --end, --activities-per-person and --shape give byte-identical files;
another seed gives other data. Ids never depend on --end.

account matching truth (--truth FILE): which source account records (Salesforce account id, Marketo company
external_company_id) are the same company, and whether the MDM crosswalk maps them, as CSV; for
scripts/matching_quality.py --truth FILE. Write it outside DIR (or in a hidden folder such as DIR/.truth/): the
loader takes every other .csv under DIR for a raw table.

batch mode (--activity-batch FRACTION --batch-id K): writes only the four Marketo activity tables (in --shape;
minimal: their required columns), with FRACTION x the base set's activity count NEW activities of the base set's
leads (same --accounts, --seed, --activities-per-person), ids disjoint from the base set and from every other
batch id, times in the last hour before --end and synced after every base row; load it with
`load_raw.py DIR --append`.

progress goes to stderr (one line per table: rows, seconds); the row counts table to stdout.
exit status: 0 written, 1 failed while generating (nothing is left in DIR), 2 bad arguments (nothing written)."""


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="generate_data.py",
        description="Write a deterministic synthetic raw data set (Marketo, Salesforce, MDM) as Parquet (or CSV) "
                    "files in the layout scripts/load_raw.py reads.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--accounts", metavar="N", type=_whole_number, required=True,
                        help="number of unified companies (at least 1); ~10 persons and ~1,000 activities each at "
                             "the default activity rate")
    parser.add_argument("--seed", metavar="S", type=_whole_number, default=1,
                        help="random seed: the same seed gives the same data (default: 1)")
    parser.add_argument("--out", metavar="DIR", type=Path, required=True,
                        help="output folder; created if missing, must be empty unless --force")
    parser.add_argument("--end", metavar="WHEN",
                        help="end of the two years of history, UTC: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] "
                             "(default: the start of today, UTC); base events are at most 2 hours before it")
    parser.add_argument("--activities-per-person", metavar="X", type=_number,
                        default=DEFAULT_ACTIVITIES_PER_PERSON,
                        help=f"mean number of Marketo activities per person over the two years, long-tailed per "
                             f"person (default: {DEFAULT_ACTIVITIES_PER_PERSON:g}); a batch must use the same value "
                             f"as its base set")
    parser.add_argument("--activity-batch", metavar="FRACTION", type=_number,
                        help="batch mode: write only the four Marketo activity tables with FRACTION (in (0, 1]) "
                             "x the base set's activity count new activities in the hour before --end")
    parser.add_argument("--batch-id", metavar="K", type=_whole_number,
                        help="batch mode: the batch number (0 or more; required with --activity-batch); "
                             "different batches never share an activity id")
    parser.add_argument("--shape", choices=SHAPES, default=DEFAULT_SHAPE,
                        help=f"how the rows are encoded: {', '.join(SHAPES)} (default: {DEFAULT_SHAPE}; see "
                             f"shapes below); the same settings give the same rows in every shape but minimal")
    parser.add_argument("--truth", metavar="FILE", type=Path,
                        help="also write the account matching truth to FILE (CSV; not with --activity-batch): "
                             "which source accounts are the same company")
    parser.add_argument("--force", action="store_true",
                        help="write into a non-empty --out: replaces the raw table files (DIR/<source>/<table>"
                             ".csv|.parquet of any contract table) already there; other files are left alone")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the generator; returns the exit status (argparse exits 2 itself on bad arguments)."""
    setup_logging(logging.INFO)
    parser = build_parser()
    args = parser.parse_args(argv)
    batch = args.activity_batch is not None
    try:
        if batch and args.batch_id is None:
            raise GeneratorError("--activity-batch needs --batch-id K")
        if args.batch_id is not None and not batch:
            raise GeneratorError("--batch-id is only for --activity-batch")
        if batch and args.truth is not None:
            raise GeneratorError("--truth is only for a base set, not with --activity-batch")
        check_settings(args.accounts, args.seed, args.activities_per_person)
        if batch:
            check_batch(args.activity_batch, args.batch_id)
        end = parse_end(args.end)
        check_out(args.out, args.force)
    except GeneratorError as error:
        parser.error(str(error))  # exits 2, nothing written
    try:
        if batch:
            counts = generate_activity_batch(args.accounts, args.seed, args.out, args.activity_batch, args.batch_id,
                                             end, activities_per_person=args.activities_per_person,
                                             force=args.force, shape=args.shape)
        else:
            counts = generate(args.accounts, args.seed, args.out, end,
                              activities_per_person=args.activities_per_person, force=args.force, shape=args.shape)
            if args.truth is not None:
                truth = account_truth(args.accounts, args.seed, end)
                log.info("account matching truth: %s source accounts written to %s", f"{len(truth):,}",
                         write_account_truth(truth, args.truth))
    except GeneratorError as error:
        parser.error(str(error))
    except Exception as error:  # a DuckDB or file system failure: nothing was published
        log.error("generating failed, nothing was written to %s: %s", args.out, error)
        return 1
    print(format_counts(counts))
    print(f"\n{sum(counts.values()):,} rows in {len(counts)} tables written to {args.out} "
          f"(accounts {args.accounts:,}, seed {args.seed}, end {end:%Y-%m-%d %H:%M:%S} UTC, shape {args.shape})")
    return 0
