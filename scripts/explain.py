"""Explain why a person is or is not in a segment.

    python scripts/explain.py --segment seg_new_product_upsell --email p1@townsend.com

The command line is cdp/cli/explain.py, the explanation cdp/explain.py; run with --help for the options.
"""

from cdp.cli.explain import main

raise SystemExit(main())
