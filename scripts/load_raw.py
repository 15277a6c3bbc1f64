#!/usr/bin/env python
"""Load raw source files into the DuckDB warehouse.

    python scripts/load_raw.py DIR [--append] [--lenient] [--warehouse PATH]

The command line is cdp/cli/load_raw.py, the loader cdp/warehouse/loader.py; run with --help for the options.
"""

from cdp.cli.load_raw import main

raise SystemExit(main())
