"""Writing a set: one generation in an in-memory DuckDB session, each table to a hidden staging folder in its
shape, then published into the output folder only when every table was written.

Each table is one `COPY (SELECT ... ORDER BY key) TO parquet` (or, in the text shape, the same SELECT streamed
through the csv module), so the files of the same settings are byte-identical. The four activity tables sort
themselves (PRESORTED, see activities.activity_tables), so that with the session's memory cap (MEMORY_LIMIT) a large
set spills little to disk.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil
import time
from datetime import date, datetime
from pathlib import Path

import duckdb

from cdp.text_table import format_table
from cdp.warehouse.raw_contract import Column, Source, Table, load_contract
from cdp.warehouse.sql import quote_identifier
from cdp_dev.generator.activities import ACTIVITY_TABLES, batch_tables, plan_batch, read_email_names
from cdp_dev.generator.session import Session
from cdp_dev.generator.settings import (
    DEFAULT_ACTIVITIES_PER_PERSON,
    Settings,
    check_batch,
    check_out,
    make_settings,
)
from cdp_dev.generator.shapes import (
    DEFAULT_SHAPE,
    QUOTED_NULL_MARK,
    TextRows,
    check_shape,
    extra_items,
    extra_rows,
    shape_columns,
    shape_tables,
)
from cdp_dev.generator.tables import base_tables
from cdp_dev.generator.world import build_world

log = logging.getLogger(__name__)

PARQUET_OPTIONS = "format parquet, compression zstd"
# DuckDB's memory cap: the sorts of the largest activity tables spill to the staging folder beyond it, so a large
# set does not take most of the machine's memory (DuckDB's own default is 80 % of it).
MEMORY_LIMIT = "6GB"
# Columns of a table's SQL that are never written: the sort keys, and the dirty kind of a person record's row.
INTERNAL_COLUMNS = {"_k1", "_k2", "_k3", "_dirt"}
# Tables whose SQL sorts its rows by key itself (see activities.activity_tables); the others are sorted by
# _Run.write.
PRESORTED = {("marketo", table) for table in ACTIVITY_TABLES}
CSV_CHUNK_ROWS = 10_000


def _drain(buffer: io.StringIO) -> str:
    """The CSV text in `buffer` (quoted empty fields in place of their mark); empties the buffer."""
    text = buffer.getvalue().replace(QUOTED_NULL_MARK, '""')
    buffer.seek(0)
    buffer.truncate()
    return text


def _write_csv(con: Session, select: str, columns: tuple[Column, ...], path: Path) -> int:
    """Write the rows of `select` as a CSV export writes them: UTF-8 with a byte-order mark, CRLF line ends, a
    header line, RFC 4180 quoting, the values spelled by TextRows. Streams: CSV_CHUNK_ROWS rows at a time go from
    DuckDB through the csv module to the file. Returns the row count."""
    result = con.execute(select)
    text_rows = TextRows(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")
        while chunk := result.fetchmany(CSV_CHUNK_ROWS):
            writer.writerows(text_rows.fields(values) for values in chunk)
            handle.write(_drain(buffer))
            rows += len(chunk)
        handle.write(_drain(buffer))
    return rows


def _write_parquet(con: Session, select: str, path: Path) -> int:
    [(rows,)] = con.execute(f"copy ({select}) to ? ({PARQUET_OPTIONS})", [path.as_posix()]).fetchall()
    return int(rows)


# --------------------------------------------------------------------------------------------------------------
# writing


class _Run:
    """One generation: an in-memory DuckDB session and a hidden staging folder inside `out`; `publish` moves the
    files into place only when every table was written, and the staging folder is always removed. `shape` says how
    each table is written (see write)."""

    def __init__(self, settings: Settings, out: Path, shape: str = DEFAULT_SHAPE) -> None:
        self.settings = settings
        self.out = out
        self.shape = shape
        self.created_out = not out.exists()
        self.staging = out / f".generating-{os.getpid()}"
        self.written: list[tuple[Table, Path]] = []

    def __enter__(self) -> _Run:
        self.staging.mkdir(parents=True)
        connection = duckdb.connect()
        connection.execute("set temp_directory = ?", [(self.staging / ".spill").as_posix()])
        connection.execute("set memory_limit = ?", [MEMORY_LIMIT])
        connection.execute("set preserve_insertion_order = true")  # the default; PRESORTED tables rely on it
        self.con = Session(self.settings, connection)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.con.con.close()
        shutil.rmtree(self.staging, ignore_errors=True)
        if error is not None and self.created_out and self.out.is_dir() and not any(self.out.iterdir()):
            self.out.rmdir()

    def world(self, full: bool = True) -> dict[str, int]:
        started = time.monotonic()
        sizes = build_world(self.settings, self.con, full)
        log.info("world model: %s (%.1fs)", ", ".join(f"{value:,} {name}" for name, value in sizes.items()
                                                      if not name.startswith("activities ")),
                 time.monotonic() - started)
        return sizes

    def _contract_items(self, label: str, table: Table, columns: tuple[Column, ...], sql: str) -> list[str]:
        """SQL select items of the shape's contract columns, each cast to its contract type (null, with a warning,
        when the generator does not produce it)."""
        generated = {row[0] for row in self.con.execute(f"describe select * from ({sql})").fetchall()}
        contract = {column.name for column in table.columns}
        for name in sorted(generated - contract - INTERNAL_COLUMNS):
            log.warning("%s: generated column %s is not in the contract; left out", label, name)
        items = []
        for column in columns:
            value = quote_identifier(column.name) if column.name in generated else "null"
            if column.name not in generated:
                log.warning("%s: contract column %s is not generated; written as null", label, column.name)
            items.append(f"cast({value} as {column.duckdb_type}) as {quote_identifier(column.name)}")
        return items

    def write(self, table: Table, sql: str | None) -> int:
        """Write one contract table (ORDER BY its key) to the staging folder in the run's shape: Parquet with the
        shape's contract columns (minimal: the required ones; wide: plus extra_columns), or (text) a CSV file;
        returns its row count."""
        started = time.monotonic()
        label = f"{table.source}.{table.name}"
        if sql is None:
            log.warning("%s: the generator does not know this contract table; writing it empty", label)
            sql = "select null::bigint as _k1, 0 as _k2, 0 as _k3 where false"
        columns = shape_columns(table, self.shape)
        items = self._contract_items(label, table, columns, sql)
        rows_from = f"({sql})"
        if self.shape == "wide":
            items += extra_items(self.settings, table)
            rows_from = extra_rows(sql, table)
        order = "" if (table.source, table.name) in PRESORTED else " order by _k1 nulls last, _k2, _k3"
        select = f"select {', '.join(items)} from {rows_from}{order}"
        path = self.staging / table.source / f"{table.name}.{'csv' if self.shape == 'text' else 'parquet'}"
        path.parent.mkdir(exist_ok=True)
        if self.shape == "text":
            rows = _write_csv(self.con, select, columns, path)
        else:
            rows = _write_parquet(self.con, select, path)
        self.written.append((table, path))
        log.info("%-42s %14s rows %7.1fs", label, f"{rows:,}", time.monotonic() - started)
        return rows

    def publish(self, contract: dict[str, Source], force: bool) -> None:
        """Move the written files into `out`; with `force`, first remove every raw table file (any contract table,
        .csv or .parquet) already there, so the folder holds exactly this set."""
        if force:
            for source in contract.values():
                for table in source.tables.values():
                    for suffix in (".csv", ".parquet"):
                        (self.out / source.name / f"{table.name}{suffix}").unlink(missing_ok=True)
        for table, path in self.written:
            target = self.out / table.source / path.name
            target.parent.mkdir(exist_ok=True)
            os.replace(path, target)


def generate(accounts: int, seed: int, out: str | os.PathLike, end: str | date | datetime | None = None, *,
             activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON, force: bool = False,
             shape: str = DEFAULT_SHAPE) -> dict[str, int]:
    """Write the base set for `accounts` unified companies to out/<source>/<table>.parquet (.csv in the text
    shape), every table of the raw contract (minimal: the required ones) in `shape` (see SHAPES); returns
    {"<source>.<table>": rows} in contract order.

    `end` (default: the start of today, UTC) is the end of the two years of history; `activities_per_person` the
    mean number of Marketo activities per person. The rows do not depend on `shape`. Raises GeneratorError for bad
    arguments (nothing written); `out` must be empty or missing unless `force`, which replaces the raw table files
    in it.
    """
    settings = make_settings(accounts, seed, end, activities_per_person)
    check_shape(shape)
    out_path = check_out(out, force)
    contract = load_contract()
    started = time.monotonic()
    with _Run(settings, out_path, shape) as run:
        sizes = run.world()
        sqls = base_tables(settings, sizes, read_email_names(run.con))
        counts = {f"{table.source}.{table.name}": run.write(table, sqls.get((table.source, table.name)))
                  for table in shape_tables(contract, shape)}
        run.publish(contract, force)
    log.info("generated %s rows in %d tables in %.1fs", f"{sum(counts.values()):,}", len(counts),
             time.monotonic() - started)
    return counts


def generate_activity_batch(accounts: int, seed: int, out: str | os.PathLike, fraction: float, batch_id: int,
                            end: str | date | datetime | None = None, *,
                            activities_per_person: float = DEFAULT_ACTIVITIES_PER_PERSON,
                            force: bool = False, shape: str = DEFAULT_SHAPE) -> dict[str, int]:
    """Write only the four Marketo activity tables to out/marketo/: round(fraction x the base set's activity
    count) NEW activities of existing leads of the base set with the same accounts, seed and
    activities_per_person (see plan_batch for the ids), in the last hour before `end`, synced at or after them
    (later than every base row), including new-product page visits by persons at >$1M accounts. Appending the
    folder to a warehouse loaded with the base set (load_raw.py --append) is the incremental load of a sync.
    `shape` as in generate (minimal: the four tables with their required columns only). Returns
    {"marketo.<table>": rows}.
    """
    settings = make_settings(accounts, seed, end, activities_per_person)
    check_batch(fraction, batch_id)
    check_shape(shape)
    out_path = check_out(out, force)
    contract = load_contract()
    started = time.monotonic()
    with _Run(settings, out_path, shape) as run:
        sizes = run.world(full=False)
        base = sum(sizes[f"activities {index}"] for index in range(4))
        plan = plan_batch(base, sizes["new-product visitors at >$1M accounts"], fraction, batch_id)
        log.info("batch %d: %s new activities (%s new-product visits), ids %s to %s", batch_id, f"{plan.rows:,}",
                 f"{plan.new_product_visits:,}", f"{plan.first_id:,}", f"{plan.first_id + plan.rows - 1:,}")
        sqls = batch_tables(settings, run.con, plan)
        counts = {f"marketo.{name}": run.write(contract["marketo"].tables[name], sqls["marketo", name])
                  for name in ACTIVITY_TABLES}
        run.publish(contract, force)
    log.info("generated %s rows in %d tables in %.1fs", f"{sum(counts.values()):,}", len(counts),
             time.monotonic() - started)
    return counts


def format_counts(counts: dict[str, int]) -> str:
    """A plain-text table: each table's row count, and the total."""
    rows = [("table", "rows")] + [(name, f"{value:,}") for name, value in counts.items()]
    rows.append(("total", f"{sum(counts.values()):,}"))
    return "\n".join(format_table(rows, right_aligned={1}, header_rule=True))
