"""scripts/spark_cluster.py (make spark-up, make spark-down): the local Spark cluster as a service
(cdp.warehouse.spark_cluster).

    python scripts/spark_cluster.py up | down | status
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from cdp.logs import setup_logging
from cdp.text_table import format_table
from cdp.warehouse.spark_cluster import HOST, Cluster, ClusterError

log = logging.getLogger(__name__)

EPILOG = """\
Ports (all on 127.0.0.1; environment variables in brackets):
  master            7077  [CDP_SPARK_MASTER_PORT]; web page 8080 [CDP_SPARK_UI_PORT], workers' pages 8081, 8082
  Thrift server    10000  [CDP_SPARK_THRIFT_PORT]: the `spark_cluster` target of profiles.yml connects here
Folder: warehouse/spark-cluster/ [CDP_SPARK_CLUSTER_DIR]: logs/, the Derby metastore, the tables.

exit status: 0 done (also when there was nothing to do), 1 the cluster could not be started or stopped."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spark_cluster.py",
        description="Start, stop or show the local Spark cluster: a standalone master, two one-core workers and "
                    "the Thrift server, with a persistent Hive metastore.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["up", "down", "status"],
                        help="up: start what is not running and wait until the Thrift server answers; "
                             "down: stop everything; status: what runs, and where its log is")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging(logging.INFO)
    args = build_parser().parse_args(argv)
    try:
        cluster = Cluster()
        if args.action == "up":
            if not cluster.start():
                log.info("the cluster is already running")
            log.info("Thrift server: %s:%d (CDP_TARGET=spark_cluster)", HOST, cluster.settings.thrift_port)
        elif args.action == "down":
            if not cluster.stop():
                log.info("the cluster is not running")
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print("\n".join(format_table([("process", "pid", "log"), *cluster.status()], header_rule=True)))
    return 0
