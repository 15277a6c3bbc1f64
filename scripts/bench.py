#!/usr/bin/env python
"""Benchmark the pipeline at a given scale: load, full build, incremental build, freshness, memory, vs. targets.

    python scripts/bench.py --accounts 100000 [--seed 1] [--cache DIR] [--json FILE]

Development tooling: the command line is cdp_dev/cli/bench.py, the benchmark cdp_dev/bench.py; the README's
"Performance" section reports the figures.
"""

from cdp_dev.cli.bench import main

raise SystemExit(main())
