"""The audience report: one self-contained HTML page (``<out>/report.html``) that marketing operations look at
instead of querying the warehouse. It shows each segment's size now and over time, who entered and exited per run,
the per-condition funnel with the holdout and suppressed, the overlap of segments, the last syncs and alerts, data
quality issues and row conservation, and how many records each person and account was unified from.

* cdp.report.queries reads it from the warehouse (read-only), every number an aggregate computed in SQL;
* cdp.report.figures draws the charts (Plotly, SVG chart types);
* cdp.report.page renders the page (page.html, report.css) with plotly.js inlined once: no network to view it.

The command line is cdp.cli.report (scripts/report.py, cdp-report); the pipeline refreshes it with --report. It reads
the warehouse of the current target ($CDP_TARGET): the DuckDB file, or the Spark Thrift server.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cdp.activation.destinations.files import write_atomically
from cdp.report.page import make_charts, render
from cdp.report.queries import ReportError, read_report_data
from cdp.warehouse.connection import Warehouse, connect, warehouse_path

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"

__all__ = ["REPORT_FILE", "ReportError", "WrittenReport", "report_path", "write_report"]


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    size_bytes: int
    seconds: float
    charts: int


def report_path(out_dir: str | os.PathLike) -> Path:
    """Where the report goes in ``out_dir``."""
    return Path(out_dir) / REPORT_FILE


def _read_from(con: Warehouse, warehouse: str | os.PathLike | None) -> str:
    """What the page says it was read from: the DuckDB file's name, or the Spark Thrift server's address."""
    if con.engine == "spark":
        from cdp.warehouse.spark_warehouse import server_address

        host, port = server_address()
        return f"Spark Thrift server {host}:{port}"
    return warehouse_path(warehouse).name


def write_report(out_dir: str | os.PathLike, warehouse: str | os.PathLike | None = None) -> WrittenReport:
    """Read the warehouse (read-only), render the page and replace ``<out_dir>/report.html`` atomically.

    Raises ReportError when the warehouse is not built, cdp.warehouse.connection.WarehouseError when it cannot be
    opened."""
    started = time.monotonic()
    con = connect(warehouse, read_only=True)
    try:
        data = read_report_data(con)
        read_from = _read_from(con, warehouse)
    finally:
        con.close()
    read_at = time.monotonic()
    charts = make_charts(data)
    drawn_at = time.monotonic()
    html = render(data, charts, warehouse=read_from,
                  generated_at=datetime.now(timezone.utc).replace(tzinfo=None))
    path = write_atomically(report_path(out_dir), lambda stream: stream.write(html))
    seconds = time.monotonic() - started
    log.info("read %.2f s, %d charts %.2f s, page %.2f s, %s bytes", read_at - started, len(charts),
             drawn_at - read_at, seconds - (drawn_at - started), f"{len(html.encode()):,}")
    return WrittenReport(path, path.stat().st_size, seconds, len(charts))
