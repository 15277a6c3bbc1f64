#!/usr/bin/env python
"""Serve a fake Marketo instance on localhost (for trying the marketo destination without a Marketo account).

    python scripts/fake_marketo.py --port 8765 [--state warehouse/fake_marketo.json]

then, in another shell:

    export MARKETO_BASE_URL=http://127.0.0.1:8765 MARKETO_CLIENT_ID=cdp-demo MARKETO_CLIENT_SECRET=cdp-demo-secret
    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo --list-name Demo --folder-id 1

The lists and their members are at http://127.0.0.1:8765/fake/state.json. Development tooling: the command line is
cdp_dev/cli/fake_marketo.py, the fake cdp_dev/fakes/marketo.py.
"""

from cdp_dev.cli.fake_marketo import main

raise SystemExit(main())
