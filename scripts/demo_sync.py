#!/usr/bin/env python
"""Watch an incremental Marketo sync of the Townsend demo against a fake Marketo on localhost (make demo-sync).

    python scripts/demo_sync.py [--warehouse PATH]

Needs the demo warehouse (make demo). Development tooling: the command line and the demo's four steps are
cdp_dev/cli/demo_sync.py.
"""

from cdp_dev.cli.demo_sync import main

raise SystemExit(main())
