"""scripts/fake_marketo.py (cdp-fake-marketo): serve a fake Marketo instance on localhost (cdp_dev.fakes.marketo),
for trying the marketo destination without a Marketo account. The lists and their members, and the campaigns with
the leads they were requested for, are at <base url>/fake/state.json."""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence

from cdp.logs import setup_logging
from cdp_dev.fakes.marketo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeMarketo, RunningFakeMarketo

DESCRIPTION = ("Serve a fake Marketo instance on localhost (for trying the marketo destination without a Marketo "
               "account).")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default: %(default)s)")
    parser.add_argument("--state", metavar="FILE", help="keep leads and lists in this JSON file between runs")
    parser.add_argument("--campaign", metavar="ID", type=int, action="append", default=[],
                        help="serve a requestable smart campaign with this id (for --campaign-id); repeatable")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(logging.WARNING)
    fake = FakeMarketo(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, state_file=args.state)
    for campaign_id in args.campaign:
        fake.add_campaign(campaign_id, f"Campaign {campaign_id}")
    with RunningFakeMarketo(fake, args.port) as server:
        print(f"fake Marketo at {server.base_url} (client id {DEMO_CLIENT_ID}); Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
