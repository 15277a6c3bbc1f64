"""Load a folder of raw files (DIR/<source>/<table>.csv or .parquet) into the warehouse's raw_<source> schemas.

Every file is checked against the raw data contract (cdp.warehouse.raw_contract) before anything is written; then
all tables are written in one transaction, so the warehouse gets every file or none. On Spark (CDP_TARGET=
spark_cluster) the files are checked the same way, in an in-memory DuckDB, then written as Parquet into the landing
folder the server reads ($CDP_SPARK_LANDING_DIR) and copied into a new table each; only when every new table is
written are they put in place (see load_into_spark). A Parquet file is read where it
is (a temporary view: checked with one read, written with another, never held in memory whole); a CSV file is first
read into a temporary table, which numbers its rows so that a bad value can be reported with its line.

With `lenient`, a contract column whose values do not all read as its contract type is loaded as text (VARCHAR,
the values as in the file) and reported as a warning instead of refusing the load; dbt staging then parses it and
quarantines the rows it cannot read. Every other problem (unknown table, missing required column, ...) still refuses.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import shutil
import uuid

import duckdb

from cdp.text_table import format_table
from cdp.warehouse.connection import (
    QueryError,
    TableColumn,
    Warehouse,
    connect,
    engine,
    engine_settings,
    table_exists,
)
from cdp.warehouse.raw_contract import Column, Source, Table, load_contract
from cdp.warehouse.raw_formats import EXAMPLES, TIMESTAMP_PATTERN, parse_sql
from cdp.warehouse.sql import quote_identifier, quote_literal

log = logging.getLogger(__name__)

FORMATS = {".csv": "csv", ".parquet": "parquet"}
# A fixed dialect: the sniffer then cannot mistake a ragged line for the header.
CSV_OPTIONS = "header = true, all_varchar = true, delim = ',', quote = '\"', escape = '\"', skip = 0"

FLOAT_TYPES = ("FLOAT", "DOUBLE", "DECIMAL")
NUMBER_TYPES = FLOAT_TYPES + ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                              "UINTEGER", "UBIGINT", "UHUGEINT")


class LoadError(Exception):
    """The input cannot be loaded and nothing was written; `problems` has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PlannedFile:
    """A file to load and the contract table it goes to."""

    path: Path
    table: Table

    @property
    def format(self) -> str:
        return FORMATS[self.path.suffix.lower()]


@dataclass(frozen=True)
class LoadedFile:
    """What one file did to the warehouse."""

    path: Path
    target: str
    rows: int
    mode: str
    text_columns: tuple[str, ...] = ()  # contract columns loaded as text (lenient load), in contract order


@dataclass(frozen=True)
class _Staged:
    """A file readable as the temporary relation `name` (a view over a Parquet file, a table of a CSV file's rows);
    `columns` maps lower-case name -> (staged name, DuckDB type); `row_number` is the 0-based position of a row in
    the file, as a SQL expression over `name`."""

    file: PlannedFile
    name: str
    columns: dict[str, tuple[str, str]]
    duplicates: list[str]
    rows: int
    row_number: str = "rowid"
    text_columns: tuple[str, ...] = ()  # contract columns (lower-case) to load as text instead of their type
    warnings: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class _Unreadable:
    """A contract column with values that cannot be read as its type: how many, and the first one."""

    column: Column
    count: int
    where: str  # "row R" for Parquet, "row R (line L)" for CSV
    value: str


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _brief(error: BaseException) -> str:
    """The informative head of a DuckDB error, on one line (without its list of possible fixes)."""
    lines = []
    for line in str(error).strip().splitlines():
        if not line.strip() or line.startswith(("Possible fixes", "The search space", "LINE ")):
            break
        lines.append(line.strip())
    return _truncate("; ".join(lines), 300)


def _read_as(column: str, source_type: str, contract: Column) -> tuple[str, str]:
    """(value, typed): SQL for the value (NULL if empty) and for it as the contract type (NULL if unreadable)."""
    if contract.logical_type == "string":
        return column, f"cast({column} as VARCHAR)"
    if source_type == "VARCHAR":
        return f"nullif(trim({column}), '')", parse_sql(column, contract.logical_type)
    if contract.logical_type == "integer" and source_type.startswith(FLOAT_TYPES):
        return column, f"case when {column} = trunc({column}) then try_cast({column} as BIGINT) end"
    if contract.logical_type == "boolean" and source_type.startswith(NUMBER_TYPES):
        return column, f"case when {column} in (0, 1) then {column} = 1 end"
    return column, f"try_cast({column} as {contract.duckdb_type})"


def plan_load(directory: str | os.PathLike, contract: dict[str, Source] | None = None) -> list[PlannedFile]:
    """The files under `directory` to load, each with its contract table; LoadError lists every file that cannot be."""
    root = Path(directory)
    if not root.is_dir():
        raise LoadError([f"{root}: {'not a directory' if root.exists() else 'no such directory'}"])
    contract = load_contract() if contract is None else contract
    layout = f"{root}/<{'|'.join(sorted(contract))}>/<table>.csv or .parquet"
    planned: dict[tuple[str, str], PlannedFile] = {}
    problems = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in parts) or not path.is_file():
            continue
        if path.suffix.lower() not in FORMATS:
            log.warning("ignoring %s (not a .csv or .parquet file)", path)
            continue
        source, table = parts[0].lower(), path.stem.lower()
        if len(parts) != 2:
            problems.append(f"{path}: not in a source folder; expected {layout}")
        elif source not in contract:
            problems.append(f"{path}: unknown source folder '{parts[0]}'; expected one of {', '.join(contract)}")
        elif table not in contract[source].tables:
            problems.append(f"{path}: unknown table '{source}.{table}', not in the raw contract "
                            f"({', '.join(contract[source].tables)})")
        elif (source, table) in planned:
            problems.append(f"{path}: table {source}.{table} also comes from {planned[source, table].path}")
        else:
            planned[source, table] = PlannedFile(path, contract[source].tables[table])
    if problems:
        raise LoadError(problems)
    if not planned:
        raise LoadError([f"{root}: no files to load; expected {layout}"])
    return list(planned.values())


def _stage(con: duckdb.DuckDBPyConnection, file: PlannedFile, name: str) -> _Staged:
    """Make the file readable as the temporary relation `name`: a view over a Parquet file, a table of a CSV's rows."""
    if file.format == "csv":
        con.execute(f"create or replace temp table {name} as select * from read_csv(?, {CSV_OPTIONS})",
                    [file.path.as_posix()])
        row_number = "rowid"
    else:
        con.execute(f"create or replace temp view {name} as "
                    f"select * from read_parquet({quote_literal(file.path)}, file_row_number = true)")
        row_number = "file_row_number"
    columns: dict[str, tuple[str, str]] = {}
    duplicates = []
    for column, column_type, *_ in con.execute(f"describe {name}").fetchall():
        if file.format == "parquet" and column == "file_row_number":
            continue  # added by the reader
        if column.lower() in columns:
            duplicates.append(column)
        columns.setdefault(column.lower(), (column, column_type))
    [(rows,)] = con.execute(f"select count(*) from {name}").fetchall()
    return _Staged(file, name, columns, duplicates, rows, row_number)


def _csv_line(con: duckdb.DuckDBPyConnection, stage: _Staged, rowid: int) -> int:
    """The line a CSV row starts on: after the header and the rows before it, counting line breaks in their values."""
    breaks = " + ".join(f"coalesce(length({quote_identifier(name)}) - length(replace({quote_identifier(name)}, chr(10), '')), 0)"
                        for name, _ in stage.columns.values())
    sql = f"select coalesce(sum({breaks}), 0) from {stage.name} where rowid < ?"
    [(inside,)] = con.execute(sql, [rowid]).fetchall()
    return rowid + 2 + int(inside)


def _check(con: duckdb.DuckDBPyConnection, stage: _Staged) -> tuple[list[str], list[_Unreadable]]:
    """Every way the staged file breaks its table's contract: (problems with its columns, columns with unreadable
    values)."""
    path, table = stage.file.path, stage.file.table
    problems = [f"{path}: column '{name}' appears twice (names are case-insensitive)" for name in stage.duplicates]
    problems += [f"{path}: table {table.qualified_name} is missing required column '{column.name}'"
                 for column in table.columns if column.required and column.name not in stage.columns]
    return problems, _unreadable(con, stage)


def _unreadable(con: duckdb.DuckDBPyConnection, stage: _Staged) -> list[_Unreadable]:
    """The contract columns of the staged file with values that cannot be read as their contract type."""
    table = stage.file.table
    typed = [(column, *stage.columns[column.name]) for column in table.columns
             if column.logical_type != "string" and column.name in stage.columns]
    if not typed:
        return []
    aggregates = []
    for column, name, source_type in typed:
        value, as_type = _read_as(quote_identifier(name), source_type, column)
        bad = f"{value} is not null and {as_type} is null"
        aggregates += [f"count(*) filter (where {bad})", f"min({stage.row_number}) filter (where {bad})",
                       f"arg_min(cast({quote_identifier(name)} as VARCHAR), {stage.row_number}) filter (where {bad})"]
    [found] = con.execute(f"select {', '.join(aggregates)} from {stage.name}").fetchall()
    unreadable = []
    for index, (column, _, _) in enumerate(typed):
        count, rowid, value = found[3 * index: 3 * index + 3]
        if not count:
            continue
        where = f"row {rowid + 1}" + (f" (line {_csv_line(con, stage, rowid)})" if stage.file.format == "csv" else "")
        unreadable.append(_Unreadable(column, count, where, value))
    return unreadable


def _why(bad: _Unreadable) -> str:
    """Why the value cannot be read, with the formats the column takes."""
    if bad.column.logical_type == "date" and re.match(TIMESTAMP_PATTERN, bad.value.strip()):
        return ("it has a time of day or an offset, which a date would drop; a date column takes a date, or a "
                f"date-time at midnight UTC: {EXAMPLES['date']}")
    return f"expected {EXAMPLES[bad.column.logical_type]}"


def _unreadable_problem(stage: _Staged, bad: _Unreadable) -> str:
    """The error for a column with unreadable values (a strict load)."""
    more = f"; {bad.count:,} rows of this column cannot be read" if bad.count > 1 else ""
    return (f"{stage.file.path}: table {stage.file.table.qualified_name}, column '{bad.column.name}', {bad.where}: "
            f"cannot read {_truncate(bad.value, 60)!r} as {bad.column.logical_type} ({_why(bad)}){more}")


def _unreadable_warning(stage: _Staged, bad: _Unreadable) -> str:
    """The warning for a column with unreadable values (a lenient load: it is loaded as text)."""
    return (f"{stage.file.path}: column {bad.column.name} has {bad.count:,} value(s) that are not a valid "
            f"{bad.column.logical_type} ({_why(bad)}), e.g. {bad.where}: "
            f"{_truncate(bad.value, 60)!r}; loaded as text")


def _stage_and_check(con: duckdb.DuckDBPyConnection, files: list[PlannedFile], lenient: bool = False) -> list[_Staged]:
    """Read every file and check it; LoadError lists every problem in every file.

    With `lenient`, columns with unreadable values are not problems: they are marked to be loaded as text.
    """
    staged, problems = [], []
    for index, file in enumerate(files):
        if file.format == "csv" and file.path.stat().st_size == 0:
            problems.append(f"{file.path}: the file is empty (a CSV needs a header line)")
            continue
        try:
            stage = _stage(con, file, f"load_raw_{index}")
        except duckdb.Error as error:
            problems.append(f"{file.path}: cannot read the {file.format} file: {_brief(error)}")
            continue
        column_problems, unreadable = _check(con, stage)
        problems += column_problems
        if lenient:
            stage = replace(stage, text_columns=tuple(bad.column.name for bad in unreadable),
                            warnings=tuple(_unreadable_warning(stage, bad) for bad in unreadable))
        else:
            problems += [_unreadable_problem(stage, bad) for bad in unreadable]
        staged.append(stage)
    if problems:
        raise LoadError(problems)
    return staged


def _select(stage: _Staged) -> str:
    """SQL selecting the staged rows with lower-case column names, the contract's columns cast to their types
    (those in `text_columns` as text: the values as in the file, empty strings as NULL)."""
    items = []
    for lower, (name, source_type) in stage.columns.items():
        column = stage.file.table.column(lower)
        if column is None:
            items.append(f"{quote_identifier(name)} as {quote_identifier(lower)}")
        elif lower in stage.text_columns:
            items.append(f"nullif(cast({quote_identifier(name)} as VARCHAR), '') as {quote_identifier(lower)}")
        else:
            _, as_type = _read_as(quote_identifier(name), source_type, column)
            items.append(f"cast({as_type} as {column.duckdb_type}) as {quote_identifier(lower)}")
    return f"select {', '.join(items)} from {stage.name}"


def _add_new_columns(con: duckdb.DuckDBPyConnection, stage: _Staged, target: str) -> None:
    """Before an append: add the file's columns that the existing table lacks (a loader that lands a new field
    adds a column), typed as a load would create them; the table's earlier rows hold null there."""
    table = stage.file.table
    existing = {name for (name,) in con.execute(
        "select lower(column_name) from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? and table_name = ?",
        [table.schema, table.name]).fetchall()}
    for lower, (_, source_type) in stage.columns.items():
        if lower in existing:
            continue
        column = table.column(lower)
        sql_type = source_type if column is None else "VARCHAR" if lower in stage.text_columns else column.duckdb_type
        con.execute(f"alter table {target} add column {quote_identifier(lower)} {sql_type}")


def _write(con: duckdb.DuckDBPyConnection, stage: _Staged, append: bool) -> LoadedFile:
    table = stage.file.table
    target = f"{quote_identifier(table.schema)}.{quote_identifier(table.name)}"
    try:
        con.execute(f"create schema if not exists {quote_identifier(table.schema)}")
        if append and table_exists(con, table.schema, table.name):
            _add_new_columns(con, stage, target)
            con.execute(f"insert into {target} by name {_select(stage)}")
            mode = "append"
        else:
            con.execute(f"create or replace table {target} as {_select(stage)}")
            mode = "append (new table)" if append else "replace"
    except duckdb.Error as error:
        raise LoadError([f"{stage.file.path}: writing {table.qualified_name} failed, nothing was loaded: "
                         f"{_brief(error)}"]) from error
    text_columns = tuple(column.name for column in table.columns if column.name in stage.text_columns)
    return LoadedFile(stage.file.path, table.qualified_name, stage.rows, mode, text_columns)


def _text_conflicts(con: Warehouse, staged: list[_Staged]) -> list[str]:
    """Columns loaded as text that an existing table (appended to) holds with another type.

    The engine would cast the text on insert: failing on an unreadable value, or silently converting one that it
    reads but the contract check does not (e.g. a date in a timestamp column).
    """
    problems = []
    for stage in staged:
        if not stage.text_columns:
            continue
        table = stage.file.table
        existing = con.columns(table.schema, table.name) if con.table_exists(table.schema, table.name) else {}
        for column in stage.text_columns:
            if existing.get(column, "VARCHAR") != "VARCHAR":
                problems.append(
                    f"{stage.file.path}: cannot append to {table.qualified_name}: column '{column}' has values that "
                    f"are not a valid {table.column(column).logical_type} and would be loaded as text, but the "
                    f"existing table holds it as {existing[column]}; nothing was loaded (fix the values, or load "
                    f"without --append to replace the table)")
    return problems


# Batches loaded under a name (load(..., batch=NAME)), written in the load's own transaction: a batch is in this
# table if and only if its rows are in the raw tables.
BATCHES_TABLE = "raw_loads.loaded_batches"
BATCHES_COLUMNS = (
    TableColumn("batch", "VARCHAR", not_null=True),
    TableColumn("loaded_at", "TIMESTAMP", not_null=True),
    TableColumn("tables", "VARCHAR[]", not_null=True),
    TableColumn("rows", "BIGINT", not_null=True),
    TableColumn("built_at", "TIMESTAMP"),
)


def batch_loaded(con: Warehouse, batch: str) -> bool:
    """Whether the batch called ``batch`` has been loaded (see load(..., batch=...))."""
    if not con.table_exists(*BATCHES_TABLE.split(".")):
        return False
    return con.fetchone(f"select count(*) from {BATCHES_TABLE} where batch = ?", [batch])[0] > 0


def _record_batch(con: Warehouse, batch: str, loaded: list[LoadedFile]) -> None:
    con.create_schema(BATCHES_TABLE.split(".")[0])
    con.create_table(BATCHES_TABLE, BATCHES_COLUMNS, key="batch")
    if batch_loaded(con, batch):
        raise LoadError([f"batch {batch!r} was loaded before; nothing was loaded again"])
    con.insert_rows(BATCHES_TABLE, ["batch", "loaded_at", "tables", "rows"], [
        (batch, datetime.now(timezone.utc).replace(tzinfo=None), sorted({item.target for item in loaded}),
         sum(item.rows for item in loaded))])


def _write_all(con: Warehouse, staged: list[_Staged], append: bool, batch: str | None = None) -> list[LoadedFile]:
    """Write every staged file (and the batch's record) into DuckDB in one transaction; on any failure roll it all
    back."""
    try:
        with con.transaction():
            conflicts = _text_conflicts(con, staged) if append else []
            if conflicts:
                raise LoadError(conflicts)
            loaded = [_write(con.duckdb, stage, append) for stage in staged]
            if batch is not None:
                _record_batch(con, batch, loaded)
    except QueryError as error:
        raise LoadError([f"committing to the warehouse failed, nothing was loaded: {_brief(error)}"]) from error
    return loaded


def load(directory: str | os.PathLike, append: bool = False, warehouse: str | os.PathLike | None = None,
         contract: dict[str, Source] | None = None, lenient: bool = False, batch: str | None = None) -> list[LoadedFile]:
    """Check every file under `directory` against the contract, then load them all in one transaction.

    Replaces each table (`create or replace`) or, with `append`, inserts by column name (creating missing tables).
    With `lenient`, a contract column with values unreadable as its type is loaded as text (VARCHAR) and logged as
    a warning once the load is committed (LoadedFile.text_columns names them); appending such a column to a table
    that holds it with another type is a LoadError.
    With `batch`, the load is recorded under that name in raw_loads.loaded_batches in the same transaction, and a
    batch loaded before is refused: a caller that may be killed between loading and moving its files aside can ask
    batch_loaded() and never load a batch twice.
    On Spark (CDP_TARGET=spark_cluster) the same, written as load_into_spark describes; `warehouse` is not used.
    Raises LoadError (bad input; nothing written) or cdp.warehouse.connection.WarehouseError (cannot open the
    warehouse).
    """
    files = plan_load(directory, contract)
    if engine() == "spark":
        loaded, staged = load_into_spark(files, append, lenient, batch)
    else:
        con = connect(warehouse)
        try:
            con.execute("set TimeZone = 'UTC'")  # TIMESTAMPTZ parquet columns become UTC wall-clock time
            staged = _stage_and_check(con.duckdb, files, lenient)
            loaded = _write_all(con, staged, append, batch)
        finally:
            con.close()
    for stage in staged:
        for warning in stage.warnings:
            log.warning("%s", warning)
    return loaded


# ----------------------------------------------------------------------------------------------
# Spark

LANDING_VARIABLE = "CDP_SPARK_LANDING_DIR"
# The suffix of the table a load writes before putting it in place of (or appending it to) the raw table.
LOADING_SUFFIX = "__cdp_loading"
# Types Spark reads from Parquet as they are; any other column (an extra column the contract does not know, of a
# type like HUGEINT, UUID, INTERVAL or a struct) is landed as its text.
SPARK_READY_TYPES = ("VARCHAR", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT", "BOOLEAN", "DATE",
                     "TIMESTAMP", "DECIMAL")


def landing_dir() -> Path:
    """Where the loader writes the Parquet files the Spark server reads: $CDP_SPARK_LANDING_DIR, else landing/
    in the local cluster's folder. For another server it must be a folder that this machine writes and the
    server reads at the same path (a shared mount)."""
    from cdp.warehouse.spark_cluster import Settings

    chosen = os.environ.get(LANDING_VARIABLE)
    return Path(chosen).resolve() if chosen else Settings.from_environment().root / "landing"


def _spark_ready(stage_con: duckdb.DuckDBPyConnection, stage: _Staged) -> str:
    """The staged rows as _select gives them, every column of a type Spark reads (TIMESTAMP WITH TIME ZONE as its
    UTC wall-clock time, anything else unknown as text)."""
    select = _select(stage)
    described = stage_con.execute(f"describe {select}").fetchall()
    items = []
    for name, kind, *_ in described:
        kind = str(kind).upper()
        if kind.startswith("TIMESTAMP") and kind != "TIMESTAMP":  # with time zone, _S, _MS, _NS
            items.append(f"cast({quote_identifier(name)} as TIMESTAMP) as {quote_identifier(name)}")
        elif kind.startswith(SPARK_READY_TYPES) and not kind.endswith("]"):
            items.append(quote_identifier(name))
        else:
            items.append(f"cast({quote_identifier(name)} as VARCHAR) as {quote_identifier(name)}")
    return f"select {', '.join(items)} from ({select})"


def _land(stage_con: duckdb.DuckDBPyConnection, staged: list[_Staged], folder: Path) -> list[tuple[_Staged, Path]]:
    """Write each staged file as one Parquet file in ``folder``: the rows as the load writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    landed = []
    for stage in staged:
        path = folder / f"{stage.file.table.schema}.{stage.file.table.name}.parquet"
        try:
            stage_con.execute(f"copy ({_spark_ready(stage_con, stage)}) to {quote_literal(path)} (format parquet)")
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error as error:
            raise LoadError([f"{stage.file.path}: writing it to {path} for Spark failed, nothing was loaded: "
                             f"{_brief(error)}"]) from error
        landed.append((stage, path))
    return landed


def _spark_columns(con: Warehouse, path: Path) -> dict[str, str]:
    """The columns of a landed file as Spark reads them (name -> Spark type), timestamps as TIMESTAMP (Spark reads
    DuckDB's as TIMESTAMP_NTZ)."""
    rows = con.fetchall(f"describe query select * from parquet.`{path.as_posix()}`")
    return {name: "timestamp" if kind.lower() == "timestamp_ntz" else kind for name, kind, *_ in rows}


def _prepare_spark(con: Warehouse, stage: _Staged, path: Path) -> str:
    """Copy a landed file into a new table beside the raw table (``<table>__cdp_loading``); returns its name."""
    table = stage.file.table
    loading = f"{con.quote(table.schema)}.{con.quote(table.name + LOADING_SUFFIX)}"
    columns = ", ".join(f"cast({con.quote(name)} as {kind}) as {con.quote(name)}"
                        for name, kind in _spark_columns(con, path).items())
    con.create_schema(table.schema)
    con.execute(f"drop table if exists {loading}")
    con.execute(f"create table {loading} using parquet as select {columns} from parquet.`{path.as_posix()}`")
    return loading


def _publish_spark(con: Warehouse, stage: _Staged, loading: str, append: bool) -> LoadedFile:
    """Put a prepared table in place: replace the raw table with it, or append its rows (by name; the columns the
    raw table lacks are added first)."""
    table = stage.file.table
    target = f"{con.quote(table.schema)}.{con.quote(table.name)}"
    if append and con.table_exists(table.schema, table.name):
        existing = con.columns(table.schema, table.name)
        new = con.columns(table.schema, table.name + LOADING_SUFFIX)
        missing = [f"{con.quote(name)} {kind}" for name, kind in
                   ((name, _spark_type(kind)) for name, kind in new.items() if name not in existing)]
        if missing:
            con.execute(f"alter table {target} add columns ({', '.join(missing)})")
        names = ", ".join(con.quote(name) for name in new)
        con.execute(f"insert into {target} ({names}) select {names} from {loading}")
        con.execute(f"drop table {loading}")
        mode = "append"
    else:
        con.execute(f"drop table if exists {target}")
        con.execute(f"alter table {loading} rename to {target}")
        mode = "append (new table)" if append else "replace"
    text_columns = tuple(column.name for column in table.columns if column.name in stage.text_columns)
    return LoadedFile(stage.file.path, table.qualified_name, stage.rows, mode, text_columns)


def _spark_type(duckdb_type: str) -> str:
    from cdp.warehouse.spark_warehouse import spark_type

    return spark_type(duckdb_type)


def load_into_spark(files: list[PlannedFile], append: bool, lenient: bool,
                    batch: str | None) -> tuple[list[LoadedFile], list[_Staged]]:
    """Load into the Spark catalog, in three steps, so that bad input or a failed write leaves the raw tables as
    they were:

    1. check every file against the contract, in an in-memory DuckDB, exactly as for DuckDB;
    2. write each as Parquet into the landing folder (landing_dir()), then into a new table beside its raw table
       (``<table>__cdp_loading``, a Parquet table of the catalog); a failure drops them all;
    3. once every one is written, put them in place: replace each raw table (drop, rename) or append its rows, then
       record the batch. These statements read tables that are already written: only the loss of the server
       itself can stop them half-way.
    """
    folder = landing_dir() / uuid.uuid4().hex
    stage_con = duckdb.connect(config=engine_settings(folder / "spill"))
    con = None
    prepared: list[tuple[_Staged, str]] = []
    try:
        stage_con.execute("set TimeZone = 'UTC'")
        staged = _stage_and_check(stage_con, files, lenient)
        con = connect()
        if batch is not None and batch_loaded(con, batch):
            raise LoadError([f"batch {batch!r} was loaded before; nothing was loaded again"])
        conflicts = _text_conflicts(con, staged) if append else []
        if conflicts:
            raise LoadError(conflicts)
        for stage, path in _land(stage_con, staged, folder):
            try:
                prepared.append((stage, _prepare_spark(con, stage, path)))
            except QueryError as error:
                raise LoadError([f"{stage.file.path}: writing {stage.file.table.qualified_name} into "
                                 f"{con.location} failed, nothing was loaded: {error}"]) from error
        loaded = [_publish_spark(con, stage, loading, append) for stage, loading in prepared]
        prepared = []
        if batch is not None:
            _record_batch(con, batch, loaded)
        return loaded, staged
    finally:
        if con is not None:
            for _, loading in prepared:  # written, never put in place: the load failed
                try:
                    con.execute(f"drop table if exists {loading}")
                except QueryError:
                    log.warning("could not drop %s, which a failed load wrote; drop it by hand", loading)
            con.close()
        stage_con.close()
        shutil.rmtree(folder, ignore_errors=True)


def format_summary(loaded: list[LoadedFile]) -> str:
    """A plain-text table: file, target table, rows, mode, and (if any file had some) the columns loaded as text."""
    as_text = any(item.text_columns for item in loaded)
    rows = [("file", "table", "rows", "mode") + (("loaded as text",) if as_text else ())]
    rows += [(str(item.path), item.target, f"{item.rows:,}", item.mode)
             + ((", ".join(item.text_columns) or "-",) if as_text else ()) for item in loaded]
    return "\n".join(format_table(rows, right_aligned={2}, header_rule=True))
