"""scripts/explain.py (cdp-explain): why one person is or is not in a segment, or how one account was unified
(cdp.explain)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.cli import WAREHOUSE_HELP
from cdp.explain import (
    AmbiguousAccount,
    ExplainError,
    explain,
    explain_account,
    format_account_candidates,
    format_account_explanation,
    format_explanation,
)
from cdp.logs import setup_logging
from cdp.warehouse.connection import WarehouseError, connect

USAGE = """%(prog)s --segment NAME (--email ADDRESS | --person-id ID) [--warehouse PATH]
       %(prog)s (--account NAME | --account-id ID) [--warehouse PATH]"""

DESCRIPTION = """\
Explain why one person is or is not in a segment (--segment with --email or --person-id): each condition of the
segment's definition with the person's value and pass/fail, and the records and accounts unified into the person.

Or explain how one unified account was formed (--account or --account-id): its source accounts and why each is part
of it (the MDM crosswalk, a steward, the matching model), the model's per-field evidence, and the near misses."""

EXAMPLES = """examples:
  %(prog)s --segment seg_new_product_upsell --email p1@townsend.com
  %(prog)s --account Townsend
  %(prog)s --account-id G-TOWNSEND"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="explain.py",
        usage=USAGE,
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--segment", metavar="NAME",
                        help="segment model name, e.g. seg_new_product_upsell (with --email or --person-id only)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--email", metavar="ADDRESS", help="a person: an email of theirs (any of their source records)")
    who.add_argument("--person-id", metavar="ID", help="a person: the unified person_id")
    who.add_argument("--account", metavar="NAME",
                     help="an account: its name or one of its source accounts' names (ignoring case)")
    who.add_argument("--account-id", metavar="ID", help="an account: the unified account_id (or golden_account_id)")
    parser.add_argument("--warehouse", metavar="PATH", default=None,
                        help=WAREHOUSE_HELP)
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options, with the rules argparse cannot say: a person or an account is required, and --segment goes with
    a person, never with an account."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not any(value is not None for value in (args.email, args.person_id, args.account, args.account_id)):
        parser.error("say what to explain: a person in a segment (--segment NAME with --email or --person-id) "
                     "or an account (--account NAME or --account-id ID)")
    is_account = args.account is not None or args.account_id is not None
    if is_account and args.segment is not None:
        parser.error("--segment explains a person (--email or --person-id); "
                     "--account and --account-id explain an account and take no --segment")
    if not is_account and args.segment is None:
        parser.error("--segment NAME is required with --email or --person-id")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    setup_logging(logging.WARNING)
    try:
        with connect(args.warehouse, read_only=True) as con:
            if args.segment is None:
                output = format_account_explanation(
                    explain_account(con, name=args.account, account_id=args.account_id))
            else:
                output = format_explanation(explain(con, args.segment, email=args.email, person_id=args.person_id))
    except AmbiguousAccount as error:
        print("\n".join([f"error: {error}", *format_account_candidates(error.candidates)]), file=sys.stderr)
        return 1
    except (ExplainError, WarehouseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(output)
    return 0
