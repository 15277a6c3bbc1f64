"""scripts/demo_sync.py (cdp-demo-sync, make demo-sync): watch an incremental Marketo sync of the Townsend demo
against a fake Marketo on localhost (cdp_dev.fakes.marketo).

Needs the demo warehouse (make demo). Four steps, each printing the sync's summary and the list in Marketo:
1. sync seg_new_product_upsell to the static list (a full resync, so the demo starts from a known state): p2 added;
2. sync again: nothing changed, nothing is sent;
3. let time pass: rebuild the traits and segments as of the day p2's product-page visit leaves the window, sync:
   p2 is removed from the list;
4. rebuild as of now again, so the demo warehouse is back to today (the next sync would add p2 again).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from cdp.cli import export_audience
from cdp.logs import NAMED, setup_logging
from cdp.pipeline import TIME_DEPENDENT
from cdp.warehouse.connection import PROJECT_ROOT, warehouse_path
from cdp.warehouse.dbt_runner import run_dbt
from cdp_dev.fakes.marketo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeMarketo, RunningFakeMarketo

SEGMENT = "seg_new_product_upsell"
LIST_NAME = "CDP demo - New product upsell"
REBUILD = ["run", "--select", *TIME_DEPENDENT, "--quiet"]  # what moving as_of changes
DESCRIPTION = ("Watch an incremental Marketo sync of the Townsend demo against a fake Marketo on localhost "
               "(make demo-sync).")


def step(number: int, title: str) -> None:
    print(f"\n=== {number}. {title}", flush=True)


def sync(warehouse: Path, *options: str) -> int:
    """One run of the export command to the demo list; its exit status."""
    code = export_audience.main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST_NAME,
                                 "--folder-id", "1", "--warehouse", str(warehouse), *options])
    sys.stdout.flush()
    return code


def show_list(fake: FakeMarketo) -> None:
    members = fake.list_members(LIST_NAME)
    print(f"Marketo list {LIST_NAME!r} now holds: {', '.join(members) if members else '(nobody)'}", flush=True)


def rebuild(warehouse: Path, as_of: str | None) -> None:
    command = REBUILD + (["--vars", json.dumps({"as_of": as_of})] if as_of else [])
    result = run_dbt(command, warehouse)
    if result.returncode != 0:
        sys.exit(f"error: dbt {' '.join(command)} failed:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--warehouse", metavar="PATH", help="the demo warehouse (default: $CDP_DUCKDB_PATH, else "
                        "warehouse/cdp.duckdb)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING, NAMED)  # the layout of the export command it runs
    warehouse = warehouse_path(args.warehouse)
    if not warehouse.exists():
        sys.exit(f"error: no warehouse at {warehouse}: run make demo first")
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    window_days = int(project["vars"]["upsell_visit_window_days"])

    fake = FakeMarketo(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    with RunningFakeMarketo(fake) as marketo:
        os.environ.update(MARKETO_BASE_URL=marketo.base_url, MARKETO_CLIENT_ID=DEMO_CLIENT_ID,
                          MARKETO_CLIENT_SECRET=DEMO_CLIENT_SECRET)
        print(f"fake Marketo at {marketo.base_url}; sync log in {warehouse} (activation.activation_sync_runs)")

        step(1, "first sync (a full resync: start from a known state)")
        codes = [sync(warehouse, "--full-resync")]
        show_list(fake)

        step(2, "sync again: nothing changed, nothing is sent")
        codes.append(sync(warehouse))
        show_list(fake)

        later = datetime.now(timezone.utc).date() + timedelta(days=window_days + 1)
        step(3, f"{window_days + 1} days later ({later}): p2's visit is out of the {window_days}-day window")
        rebuild(warehouse, later.isoformat())
        codes.append(sync(warehouse))
        show_list(fake)

        step(4, "back to today (segments rebuilt as of now; the next sync would add p2 again)")
        rebuild(warehouse, None)
    return max(codes)
