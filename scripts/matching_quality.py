#!/usr/bin/env python
"""Measure a build's account matching against the generator's truth: pairwise precision and recall on the source
accounts the MDM does not map, false merges and missed matches.

    python scripts/matching_quality.py (--accounts N [--seed S] | --truth FILE) [--warehouse PATH]

Development tooling: the command line is cdp_dev/cli/matching_quality.py, the measure cdp_dev/matching/quality.py,
the truth cdp_dev/generator/truth.py.
"""

from cdp_dev.cli.matching_quality import main

raise SystemExit(main())
