"""The dbt docs site as one page that opens from disk with no network: `make docs` runs this after
`dbt docs generate --static`.

    python -m cdp_dev.docs_site [target]

dbt's `--static` writes target/static_index.html: the docs app with the manifest and the catalog inside, its fonts
and icons inline. Two template slips in dbt's page make the browser load files that do not exist, each a failed
request and a console error on every page view (REPAIRS), so they are repaired here, by exact text, and each repair
is reported. The page loads one remote script, dbt's usage tracker, only when the manifest says
send_anonymous_usage_stats (dbt_project.yml and the Makefile turn it off): a page that would load it is refused.
tests/test_docs.py opens the page in headless Chromium with every non-local request blocked.

Prints the page's path; exits 1 when the page is missing or would load the tracker.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

STATIC_PAGE = "static_index.html"
TRACKING_ON = re.compile(r'"send_anonymous_usage_stats":\s*true')


@dataclass(frozen=True)
class Repair:
    """One exact-text change to dbt's page and why it is made."""

    old: str
    new: str
    reason: str


REPAIRS = (
    # The sidebar's icons: before Angular replaces the {{ }}, the browser resolves the template text itself as the
    # address of an SVG file (one failed request and one console error per icon, hundreds in this project). Angular's
    # ng-attr- sets the attribute only once it holds the icon's #id (SVG 2 reads href as xlink:href).
    Repair(
        old="<use xlink:href=\"{{ getIcon(item.type, 'on') }}\">",
        new="<use ng-attr-href=\"{{ getIcon(item.type, 'on') }}\">",
        reason="sidebar icons (on) requested their template text as a file",
    ),
    Repair(
        old="<use xlink:href=\"{{ getIcon(item.type, 'off') }}\">",
        new="<use ng-attr-href=\"{{ getIcon(item.type, 'off') }}\">",
        reason="sidebar icons (off) requested their template text as a file",
    ),
    # The favicon's address is a build-time placeholder dbt's page never filled in: an empty inline icon instead.
    Repair(
        old="<link rel=\"shortcut icon\" href=\"${require('./assets/favicons/favicon.ico')}\"/>",
        new='<link rel="icon" href="data:,"/>',
        reason="the favicon's address was an unfilled placeholder",
    ),
)


def repair(page: str) -> tuple[str, list[str]]:
    """The page with every repair that applies made, and the reason of each one made."""
    made = []
    for change in REPAIRS:
        # The template text sits inside a JavaScript string in dbt's bundle, its quotes escaped or not.
        for old, new in ((change.old, change.new), (escape_quotes(change.old), escape_quotes(change.new))):
            if old in page:
                page = page.replace(old, new)
                made.append(change.reason)
    return page, made


def escape_quotes(text: str) -> str:
    """Text as it reads inside a single-quoted JavaScript string: single quotes escaped."""
    return text.replace("'", "\\'")


def catalog_size(target: Path) -> int:
    """How many relations the catalog describes (0: nothing built in the warehouse the docs read)."""
    catalog = target / "catalog.json"
    if not catalog.is_file():
        return 0
    data = json.loads(catalog.read_text(encoding="utf-8"))
    return len(data.get("nodes", {})) + len(data.get("sources", {}))


def finish(target: Path) -> tuple[Path, list[str]]:
    """Repair target/static_index.html in place; the page's path and the repairs made.

    Raises ValueError when the page is missing or would load dbt's remote usage tracker.
    """
    page_path = target / STATIC_PAGE
    if not page_path.is_file():
        raise ValueError(f"no {page_path}: run `dbt docs generate --static` first")
    page = page_path.read_text(encoding="utf-8")
    if TRACKING_ON.search(page):
        raise ValueError(
            f"{page_path} would load dbt's usage tracker from the network (send_anonymous_usage_stats is true): "
            "generate it with DBT_SEND_ANONYMOUS_USAGE_STATS=false"
        )
    repaired, made = repair(page)
    if repaired != page:
        page_path.write_text(repaired, encoding="utf-8")
    return page_path, made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make dbt's static docs page open from disk with no network.")
    parser.add_argument("target", nargs="?", default="target", help="dbt's target folder; default: %(default)s")
    args = parser.parse_args(argv)
    target = Path(args.target)
    try:
        page_path, made = finish(target)
    except ValueError as error:
        print(f"docs: {error}", file=sys.stderr)
        return 1
    for reason in made:
        print(f"docs: repaired: {reason}", file=sys.stderr)
    if catalog_size(target) == 0:
        print("docs: warning: the catalog is empty (no column types): build the warehouse first (make demo or "
              "make build)", file=sys.stderr)
    print(page_path.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
