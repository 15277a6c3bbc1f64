#!/usr/bin/env python
"""Train the probabilistic matching models (Splink) and write their artefacts, macros and chart.

    python scripts/train_matching.py [--warehouse PATH | --accounts 5000 --seed 1] [--model NAME ...]

Development tooling (`make train-matching`): the command line is cdp_dev/cli/train_matching.py, the training
cdp_dev/matching/train.py; it writes matching/*_match_model.json, compiles macros/matching/*_match_model.sql
(cdp_dev.matching.compile) and draws docs/matching_weights.png. Run with --help for the options.
"""

from cdp_dev.cli.train_matching import main

raise SystemExit(main())
