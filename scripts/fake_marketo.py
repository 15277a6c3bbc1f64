#!/usr/bin/env python
"""Serve a fake Marketo instance on localhost (for trying the marketo destination without a Marketo account).

    python scripts/fake_marketo.py --port 8765 [--state warehouse/fake_marketo.json]

then, in another shell:

    export MARKETO_BASE_URL=http://127.0.0.1:8765 MARKETO_CLIENT_ID=cdp-demo MARKETO_CLIENT_SECRET=cdp-demo-secret
    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo --list-name Demo --folder-id 1

The lists and their members are at http://127.0.0.1:8765/fake/state.json. The logic lives in cdp/fake_marketo.py.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.fake_marketo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeMarketo, RunningFakeMarketo  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default: %(default)s)")
    parser.add_argument("--state", metavar="FILE", help="keep leads and lists in this JSON file between runs")
    args = parser.parse_args()
    fake = FakeMarketo(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, state_file=args.state)
    with RunningFakeMarketo(fake, args.port) as server:
        print(f"fake Marketo at {server.base_url} (client id {DEMO_CLIENT_ID}); Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
