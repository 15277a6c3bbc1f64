#!/usr/bin/env python
"""Send a segment's marketable members to Marketo, LinkedIn or a file, incrementally, with a sync log.

    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out out/
    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo --list-name "Upsell"

The logic lives in cdp/activation.py (command line, destinations), cdp/sync.py (diff, sync log),
cdp/export.py (audience, file formats) and cdp/marketo.py (REST client); run with --help for the options.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.activation import main  # noqa: E402  (needs the repo root on sys.path first)

if __name__ == "__main__":
    sys.exit(main())
