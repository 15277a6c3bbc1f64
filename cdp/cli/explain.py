"""scripts/explain.py (cdp-explain): why one person is or is not in a segment (cdp.explain)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.explain import ExplainError, explain, format_explanation
from cdp.logs import setup_logging
from cdp.warehouse.connection import WarehouseError, connect


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="explain.py",
        description="Explain why one person is or is not in a segment: each condition of the segment's "
        "definition with the person's value and pass/fail, and the records and accounts unified into the person.",
    )
    parser.add_argument("--segment", required=True, metavar="NAME",
                        help="segment model name, e.g. seg_new_product_upsell")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", metavar="ADDRESS", help="an email of the person (any of their source records)")
    who.add_argument("--person-id", metavar="ID", help="the unified person_id")
    parser.add_argument("--warehouse", metavar="PATH", default=None,
                        help="DuckDB warehouse file (default: $CDP_DUCKDB_PATH, else warehouse/cdp.duckdb)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING)
    try:
        with connect(args.warehouse, read_only=True) as con:
            result = explain(con, args.segment, email=args.email, person_id=args.person_id)
    except (ExplainError, WarehouseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_explanation(result))
    return 0
