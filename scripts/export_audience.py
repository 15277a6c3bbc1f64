#!/usr/bin/env python
"""Send a segment's marketable members to Marketo, LinkedIn or a file, incrementally, with a sync log.

    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out out/
    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo --list-name "Upsell"

The command line is cdp/cli/export_audience.py; the run cdp/activation/sync.py, the sync log
cdp/activation/sync_log.py, the audience cdp/activation/audience.py and the destinations
cdp/activation/destinations/ (files.py, marketo.py, and the REST client marketo_api.py); run with --help for the
options.
"""

from cdp.cli.export_audience import main

raise SystemExit(main())
