"""scripts/demo_sync.py (cdp-demo-sync, make demo-sync): watch an incremental Marketo sync of the Townsend demo
against a fake Marketo on localhost (cdp_dev.fakes.marketo).

Needs the demo warehouse (make demo). Each sync also requests a smart campaign of the fake for the members who
entered the list (--campaign-id), once per entry. Four steps, each printing the sync's summary, the list in Marketo
and whom the campaign was requested for:
1. sync seg_new_product_upsell to the static list (a full resync, so the demo starts from a known state): p2 added,
   and the campaign requested for p2 (unless p2 was still on the list from an interrupted demo: one entry, one
   request); then the same audience to a LinkedIn Matched Audience (a USER segment of a fake LinkedIn, p2 as the
   hash of the address), and the stalled-pipeline accounts to a LinkedIn company segment;
2. sync again: nothing changed, nothing is sent, nobody is requested;
3. let time pass: rebuild the traits and segments as of the day p2's product-page visit leaves the window, sync:
   p2 is removed from the list;
4. rebuild as of now again, so the demo warehouse is back to today (the next sync would add p2 again, and request
   the campaign again: a new entry).
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
from cdp_dev.fakes.linkedin import DEMO_TOKEN, FakeLinkedIn, RunningFakeLinkedIn
from cdp_dev.fakes.marketo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeMarketo, RunningFakeMarketo

SEGMENT = "seg_new_product_upsell"
LIST_NAME = "CDP demo - New product upsell"
CAMPAIGN_ID = 5001
CAMPAIGN_NAME = "CDP demo - New product welcome"
ACCOUNT_SEGMENT = "seg_accounts_stalled_pipeline"
AD_ACCOUNT = "507404993"
LINKEDIN_AUDIENCES = {SEGMENT: ("CDP demo - New product upsell", "USER"),
                      ACCOUNT_SEGMENT: ("CDP demo - Stalled pipeline accounts", "COMPANY")}
REBUILD = ["run", "--select", *TIME_DEPENDENT, "--quiet"]  # what moving as_of changes
DESCRIPTION = ("Watch an incremental Marketo sync of the Townsend demo against a fake Marketo on localhost "
               "(make demo-sync).")


def step(number: int, title: str) -> None:
    print(f"\n=== {number}. {title}", flush=True)


def sync(warehouse: Path, *options: str) -> int:
    """One run of the export command to the demo list; its exit status."""
    code = export_audience.main(["--segment", SEGMENT, "--format", "marketo", "--list-name", LIST_NAME,
                                 "--folder-id", "1", "--campaign-id", str(CAMPAIGN_ID), "--warehouse", str(warehouse),
                                 *options])
    sys.stdout.flush()
    return code


def sync_linkedin(warehouse: Path, fake: FakeLinkedIn) -> int:
    """Each LinkedIn audience of the demo (people, then companies) synced once; the worst exit status."""
    codes = []
    for segment, (audience, _) in LINKEDIN_AUDIENCES.items():
        codes.append(export_audience.main(["--segment", segment, "--format", "linkedin", "--audience-name", audience,
                                           "--ad-account", AD_ACCOUNT, "--warehouse", str(warehouse)]))
        sys.stdout.flush()
    users = fake.users(LINKEDIN_AUDIENCES[SEGMENT][0])
    companies = fake.companies(LINKEDIN_AUDIENCES[ACCOUNT_SEGMENT][0])
    print(f"LinkedIn user segment holds {len(users)} hashed address(es); company segment holds: "
          f"{', '.join(f'{name} ({domain})' for name, domain in companies) or '(nobody)'}", flush=True)
    return max(codes)


def show_list(fake: FakeMarketo) -> None:
    members = fake.list_members(LIST_NAME)
    print(f"Marketo list {LIST_NAME!r} now holds: {', '.join(members) if members else '(nobody)'}", flush=True)


def show_campaign(fake: FakeMarketo, before: int) -> int:
    """Print whom the campaign was requested for by the last sync; the number of requests so far."""
    requested = fake.requested_emails(CAMPAIGN_ID)
    new = requested[before:]
    print(f"Marketo campaign {CAMPAIGN_NAME!r} ({CAMPAIGN_ID}) requested by this sync for: "
          f"{', '.join(new) if new else '(nobody)'}; {len(requested)} request(s) in all", flush=True)
    return len(requested)


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
    fake.add_campaign(CAMPAIGN_ID, CAMPAIGN_NAME)
    linkedin = FakeLinkedIn(DEMO_TOKEN)
    for audience, segment_type in LINKEDIN_AUDIENCES.values():  # found by name (no 5-second wait after a creation)
        linkedin.add_segment(audience, AD_ACCOUNT, segment_type)
    with RunningFakeMarketo(fake) as marketo, RunningFakeLinkedIn(linkedin) as linkedin_api:
        os.environ.update(MARKETO_BASE_URL=marketo.base_url, MARKETO_CLIENT_ID=DEMO_CLIENT_ID,
                          MARKETO_CLIENT_SECRET=DEMO_CLIENT_SECRET, LINKEDIN_BASE_URL=linkedin_api.base_url,
                          LINKEDIN_ACCESS_TOKEN=DEMO_TOKEN)
        print(f"fake Marketo at {marketo.base_url}, fake LinkedIn at {linkedin_api.base_url}; sync log in "
              f"{warehouse} (activation.activation_sync_runs)")

        step(1, "first sync (a full resync: start from a known state), then the LinkedIn audiences")
        codes = [sync(warehouse, "--full-resync")]
        show_list(fake)
        requested = show_campaign(fake, 0)
        codes.append(sync_linkedin(warehouse, linkedin))

        step(2, "sync again: nothing changed, nothing is sent")
        codes.append(sync(warehouse))
        show_list(fake)
        requested = show_campaign(fake, requested)

        later = datetime.now(timezone.utc).date() + timedelta(days=window_days + 1)
        step(3, f"{window_days + 1} days later ({later}): p2's visit is out of the {window_days}-day window")
        rebuild(warehouse, later.isoformat())
        codes.append(sync(warehouse))
        show_list(fake)
        show_campaign(fake, requested)

        step(4, "back to today (segments rebuilt as of now; the next sync would add p2 again)")
        rebuild(warehouse, None)
    return max(codes)
