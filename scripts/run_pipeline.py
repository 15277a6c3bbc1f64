#!/usr/bin/env python
"""Run the platform on a schedule: load new files from a drop folder, build what they affect, activate what changed.

    python scripts/run_pipeline.py --drop DIR [--vars JSON] [--every 5m]

The command line is cdp/cli/run_pipeline.py, the cycle cdp/pipeline.py; run with --help for the options.
"""

from cdp.cli.run_pipeline import main

raise SystemExit(main())
