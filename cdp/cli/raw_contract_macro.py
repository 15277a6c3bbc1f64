"""`make raw-contract-macro` (python -m cdp.cli.raw_contract_macro, cdp-raw-contract-macro): write, or with
--check only check, the dbt macros generated from the raw data contract and its text formats
(cdp.warehouse.raw_contract.generated_macros)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from cdp.logs import setup_logging
from cdp.warehouse.connection import PROJECT_ROOT
from cdp.warehouse.raw_contract import CONTRACT_MACRO, CONTRACT_MACRO_COMMAND, generated_macros


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cdp.cli.raw_contract_macro",
                                     description=f"Write {CONTRACT_MACRO.relative_to(PROJECT_ROOT)} from the raw "
                                                 "data contract (the source ymls).")
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date (exit 1 if not)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Write the stale macros (or, with --check, name them); exit status 1 when --check finds one stale."""
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING)
    stale = 0
    for path, text in generated_macros():
        if (path.read_text() if path.exists() else None) == text:
            continue
        if args.check:
            print(f"{path.relative_to(PROJECT_ROOT)} is out of date: run `{CONTRACT_MACRO_COMMAND}`")
            stale += 1
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
