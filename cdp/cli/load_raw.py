"""scripts/load_raw.py (cdp-load-raw): load a folder of raw source files into the warehouse (cdp.warehouse.loader).

    python scripts/load_raw.py DIR [--append] [--lenient] [--warehouse PATH]
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

import duckdb

from cdp.cli import WAREHOUSE_HELP
from cdp.logs import setup_logging
from cdp.warehouse.connection import WarehouseError, engine, out_of_memory_message, warehouse_path
from cdp.warehouse.loader import LoadError, format_summary, load

log = logging.getLogger(__name__)

EPILOG = """\
layout:
  DIR/marketo/<table>.csv|.parquet     -> raw_marketo.<table>
  DIR/salesforce/<table>.csv|.parquet  -> raw_salesforce.<table>
  DIR/mdm/<table>.csv|.parquet         -> raw_mdm.<table>
  Tables and columns must be in the raw data contract (models/staging/<source>/_<source>__sources.yml).

Every file is checked first (known table, required columns present, every value readable as its column's
contract type); nothing is written unless all files pass, and all tables are written in one transaction.
With --lenient, unreadable values no longer stop the load: their columns are loaded as text and listed as
warnings and in the summary, and dbt staging reports the rows it cannot parse in data_quality_issues.

exit status: 0 loaded, 1 bad input or any other error (nothing was loaded)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="load_raw.py",
        description="Load a folder of raw CSV/Parquet files into the warehouse's raw_<source> schemas.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("directory", metavar="DIR", type=Path,
                        help="folder holding <source>/<table>.csv or .parquet files (see layout below)")
    parser.add_argument("--append", action="store_true",
                        help="append rows to existing tables (by column name; a missing table is created) "
                             "instead of replacing each table")
    parser.add_argument("--lenient", action="store_true",
                        help="load a column whose values do not all read as its contract type as text "
                             "(VARCHAR, values as in the file) with a warning, instead of refusing the load; "
                             "all other checks still apply")
    parser.add_argument("--warehouse", metavar="PATH",
                        help=WAREHOUSE_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the loader; returns the exit status."""
    setup_logging(logging.INFO)
    args = build_parser().parse_args(argv)
    try:
        loaded = load(args.directory, append=args.append, warehouse=args.warehouse, lenient=args.lenient)
    except LoadError as error:
        for problem in error.problems:
            log.error("%s", problem)
        return 1
    except WarehouseError as error:
        log.error("%s", error)
        return 1
    except duckdb.OutOfMemoryException as error:
        log.error("%s", out_of_memory_message(error))
        return 1
    print(format_summary(loaded))
    where = "the Spark catalog (CDP_TARGET=spark_cluster)" if engine() == "spark" else warehouse_path(args.warehouse)
    print(f"\n{sum(item.rows for item in loaded):,} rows in {len(loaded)} tables loaded into {where}")
    return 0
