"""Compare the public models of two builds exported as Parquet (make test-spark: DuckDB and Spark).

    python scripts/compare_engines.py LEFT_DIR RIGHT_DIR [--names LEFT RIGHT]

Development tooling: the command line is cdp_dev/cli/compare_engines.py, the comparison cdp_dev/compare.py.
"""

from cdp_dev.cli.compare_engines import main

raise SystemExit(main())
