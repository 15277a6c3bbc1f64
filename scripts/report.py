#!/usr/bin/env python
"""Write the audience report, one self-contained HTML page.

    python scripts/report.py [--out DIR] [--warehouse PATH]

The command line is cdp/cli/report.py, the report cdp/report/; run with --help for the options.
"""

from cdp.cli.report import main

raise SystemExit(main())
