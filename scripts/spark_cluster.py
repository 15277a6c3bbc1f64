#!/usr/bin/env python
"""Start, stop or show the local Spark cluster (master, two workers, Thrift server, Derby metastore).

    python scripts/spark_cluster.py up | down | status

The command line is cdp/cli/spark_cluster.py, the cluster cdp/warehouse/spark_cluster.py; `make spark-up` and
`make spark-down` call it.
"""

from cdp.cli.spark_cluster import main

raise SystemExit(main())
