#!/usr/bin/env python
"""Write a Marketo (or other format) import file of a segment's marketable members.

    python scripts/export_audience.py --segment seg_new_product_upsell --format marketo-csv --out out/

The logic lives in cdp/export.py; run with --help for the options.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cdp.export import main  # noqa: E402  (needs the repo root on sys.path first)

if __name__ == "__main__":
    sys.exit(main())
