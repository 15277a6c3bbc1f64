"""`make segments` (python -m cdp.cli.segments, cdp-segments): write, or with --check only check, the files
generated from the segment declarations (cdp.segments): the registry macro and the segments' models yml."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.logs import setup_logging
from cdp.segments import COMMAND, SegmentError, generated_files, read_declarations
from cdp.warehouse.connection import PROJECT_ROOT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cdp.cli.segments",
                                     description="Write the segment registry (macros/segments/segment_registry.sql)"
                                                 " and the segments' models yml from the declarations in "
                                                 "models/segments/seg_*.sql, as dbt parses them.")
    parser.add_argument("--check", action="store_true", help="only check that the files are up to date (exit 1 if not)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Write the stale files (or, with --check, name them); exit 1 when --check finds one stale or dbt cannot parse."""
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING)
    try:
        declarations = read_declarations()
    except SegmentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    stale = 0
    for path, text in generated_files(declarations):
        if (path.read_text() if path.exists() else None) == text:
            continue
        if args.check:
            print(f"{path.relative_to(PROJECT_ROOT)} is out of date: run `{COMMAND}`")
            stale += 1
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    if not args.check:
        print(f"{len(declarations)} segments: {', '.join(declarations)}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
