#!/usr/bin/env python
"""Generate a deterministic synthetic raw data set (every table of the raw contract) for load_raw.py.

python scripts/generate_data.py --accounts N --seed S --out DIR [--end DATE] [--shape SHAPE] [--force] [--truth FILE]
python scripts/generate_data.py --accounts N --seed S --out DIR --activity-batch FRACTION --batch-id K [--shape SHAPE]

Development tooling: the command line is cdp_dev/cli/generate_data.py, the generator cdp_dev/generator/.
"""

from cdp_dev.cli.generate_data import main

raise SystemExit(main())
