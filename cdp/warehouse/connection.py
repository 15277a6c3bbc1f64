"""Where the warehouse is, how the commands open it, and the locks that keep two of them apart.

Every command reaches the warehouse through one small interface, ``Warehouse`` (``connect()`` opens the one that
$CDP_TARGET names, as dbt's profile does): ``DuckDBWarehouse`` (targets ``dev``, the default: the DuckDB file) and
``SparkWarehouse`` (target ``spark_cluster``: a Spark Thrift server; cdp.warehouse.spark_warehouse). Both take the
same SQL, with ``?`` (or ``$name``) parameters; what the engines write differently (a table's DDL, an update, many
rows at once) is a method.

PROJECT_ROOT is the dbt project: $DBT_PROJECT_DIR when set (dbt's own variable; the Makefile sets it), else this
checkout (the package is installed in editable mode). dbt runs from it, the generated files are written into it, and
a relative warehouse path is taken from it.
"""

from __future__ import annotations

import fcntl
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from cdp.warehouse.sql import quote_identifier

PROJECT_ROOT = Path(os.environ.get("DBT_PROJECT_DIR") or Path(__file__).resolve().parents[2]).resolve()
DEFAULT_PATH = "warehouse/cdp.duckdb"

TARGET_VARIABLE = "CDP_TARGET"
DUCKDB_TARGETS = ("dev",)
SPARK_TARGETS = ("spark_cluster",)


class WarehouseError(Exception):
    """A problem with the warehouse that the user can act on (the message says what to do)."""


class QueryError(WarehouseError):
    """A statement failed in the warehouse; the message is the engine's, on its first lines."""


def target() -> str:
    """The profile target the commands use: $CDP_TARGET, else ``dev`` (DuckDB), as profiles.yml reads it."""
    return os.environ.get(TARGET_VARIABLE) or DUCKDB_TARGETS[0]


def engine() -> str:
    """``duckdb`` or ``spark``: the engine of the current target; a target the Python side cannot reach is an error
    that names the ones it can."""
    chosen = target()
    if chosen in DUCKDB_TARGETS:
        return "duckdb"
    if chosen in SPARK_TARGETS:
        return "spark"
    hint = (" (the in-process Spark of `make test-spark` keeps its catalog in memory for one dbt command: start the"
            " local cluster with `make spark-up` and use CDP_TARGET=spark_cluster)" if chosen == "spark" else "")
    raise WarehouseError(f"{TARGET_VARIABLE}={chosen}: the commands reach the warehouse through the targets "
                         f"{', '.join(DUCKDB_TARGETS + SPARK_TARGETS)} of profiles.yml{hint}")


def warehouse_path(path: str | os.PathLike | None = None) -> Path:
    """The warehouse file: the explicit path, else $CDP_DUCKDB_PATH, else warehouse/cdp.duckdb.

    A relative path is taken from the project root, as dbt (run from the root) takes it.
    """
    chosen = Path(path or os.environ.get("CDP_DUCKDB_PATH") or DEFAULT_PATH)
    return chosen if chosen.is_absolute() else PROJECT_ROOT / chosen


MEMORY_LIMIT_VARIABLE = "CDP_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"


def memory_limit() -> str:
    """DuckDB's memory cap: $CDP_DUCKDB_MEMORY_LIMIT, else 4GB; profiles.yml reads the same variable for dbt."""
    return os.environ.get(MEMORY_LIMIT_VARIABLE, DEFAULT_MEMORY_LIMIT)


def engine_settings(file: Path | None = None) -> dict[str, str]:
    """DuckDB's memory cap, threads and spill folder for the scripts, from the same variables (and defaults) as
    profiles.yml: beyond the cap DuckDB spills to ``<warehouse>.tmp``, as in a dbt build."""
    settings = {"memory_limit": memory_limit(), "threads": os.environ.get("CDP_DUCKDB_THREADS", "2")}
    if file is not None:
        settings["temp_directory"] = f"{file}.tmp"
    return settings


def out_of_memory_message(detail: object) -> str:
    """What to do when DuckDB could not finish within its memory cap, even spilling; `detail` (the error, or where it
    happened) is quoted in parentheses."""
    return (f"DuckDB ran out of memory at {MEMORY_LIMIT_VARIABLE}={memory_limit()} ({detail}); it spills to disk up "
            f"to that cap: raise {MEMORY_LIMIT_VARIABLE} (for example {MEMORY_LIMIT_VARIABLE}=12GB), or lower "
            "CDP_DUCKDB_THREADS and CDP_DBT_THREADS, which each need memory of their own")


Parameters = Sequence[Any] | Mapping[str, Any] | None


@dataclass(frozen=True)
class TableColumn:
    """A column of a table the commands create (the sync log, the batch ledger): its type as DuckDB writes it
    (VARCHAR, BIGINT, TIMESTAMP, VARCHAR[]); each engine writes its own DDL from it."""

    name: str
    type: str
    not_null: bool = False


class Warehouse(ABC):
    """The warehouse of one target, open: run SQL, read results, and the few writes the engines spell differently.

    ``execute`` returns a cursor (``fetchall``, ``fetchone``, ``description``); values come back as Python values
    (str, int, Decimal, bool, date, datetime, lists). Every failure of a statement is a QueryError.
    """

    engine: str = ""
    location: str = ""  # for messages: the file, or the server

    @abstractmethod
    def execute(self, sql: str, parameters: Parameters = None) -> Any: ...

    def fetchall(self, sql: str, parameters: Parameters = None) -> list[tuple]:
        return self.execute(sql, parameters).fetchall()

    def fetchone(self, sql: str, parameters: Parameters = None) -> tuple | None:
        return self.execute(sql, parameters).fetchone()

    @abstractmethod
    def tables(self, schema: str) -> list[str]:
        """The tables and views of ``schema`` (lower-case names; empty when the schema does not exist)."""

    def table_exists(self, schema: str, table: str) -> bool:
        return table.lower() in self.tables(schema)

    @abstractmethod
    def columns(self, schema: str, table: str) -> dict[str, str]:
        """The columns of ``schema.table`` (lower-case name -> type as DuckDB writes it: VARCHAR, BIGINT, DOUBLE,
        DECIMAL(18,2), TIMESTAMP, DATE, BOOLEAN, VARCHAR[]), in order."""

    @abstractmethod
    def quote(self, name: str) -> str:
        """``name`` (a table, schema or column name from data or configuration) as the engine's quoted
        identifier."""

    def qualified(self, table: str) -> str:
        """``schema.table`` with each part quoted."""
        return ".".join(self.quote(part) for part in table.split(".", 1))

    def create_schema(self, schema: str) -> None:
        self.execute(f"create schema if not exists {self.quote(schema)}")

    @abstractmethod
    def create_table(self, table: str, columns: Sequence[TableColumn], key: str | None = None) -> None:
        """Create ``schema.table`` if it does not exist, and add any of ``columns`` it lacks (an older table);
        ``key`` is its primary key where the engine keeps one (DuckDB; Spark's Parquet tables have none)."""

    @abstractmethod
    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert ``rows`` (tuples in the order of ``columns``) into ``table``, in as few statements as the engine
        takes."""

    @abstractmethod
    def update(self, table: str, values: Mapping[str, Any], where: str, parameters: Sequence[Any] = ()) -> None:
        """Set ``values`` (column -> value) in the rows of ``table`` that ``where`` (SQL, with ``?`` parameters)
        selects."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The block's statements as one transaction where the engine has them (DuckDB); Spark has none, and runs
        them one by one (callers order their writes so that a failure leaves nothing half-done that matters)."""
        yield

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class DuckDBWarehouse(Warehouse):
    """The DuckDB file of the ``dev`` target; ``duckdb`` is the connection itself, for DuckDB's own work (the
    loader reads the raw files with it)."""

    engine = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, location: str) -> None:
        self.duckdb = con
        self.location = location

    def execute(self, sql: str, parameters: Parameters = None) -> Any:
        try:
            return self.duckdb.execute(sql, parameters)
        except duckdb.Error as error:
            raise QueryError(str(error)) from error

    def quote(self, name: str) -> str:
        return quote_identifier(name)

    def tables(self, schema: str) -> list[str]:
        return [name for (name,) in self.fetchall(
            "select lower(table_name) from information_schema.tables"
            " where table_catalog = current_database() and table_schema = ? order by 1", [schema])]

    def table_exists(self, schema: str, table: str) -> bool:
        return table_exists(self.duckdb, schema, table)

    def columns(self, schema: str, table: str) -> dict[str, str]:
        return dict(self.fetchall(
            "select lower(column_name), data_type from information_schema.columns where table_catalog ="
            " current_database() and table_schema = ? and table_name = ? order by ordinal_position", [schema, table]))

    def create_table(self, table: str, columns: Sequence[TableColumn], key: str | None = None) -> None:
        items = [f"{self.quote(c.name)} {c.type}" + (" primary key" if c.name == key else " not null" if c.not_null
                                                      else "") for c in columns]
        self.execute(f"create table if not exists {self.qualified(table)} ({', '.join(items)})")
        for column in columns:
            self.execute(f"alter table {self.qualified(table)} add column if not exists {self.quote(column.name)}"
                         f" {column.type}")

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:  # one list per column, zipped by unnest: one statement whatever the number of rows
            names = [self.quote(column) for column in columns]
            selected = ", ".join(f"unnest(?) as {name}" for name in names)
            self.execute(f"insert into {self.qualified(table)} ({', '.join(names)}) select {selected}",
                         [list(values) for values in zip(*rows)])

    def update(self, table: str, values: Mapping[str, Any], where: str, parameters: Sequence[Any] = ()) -> None:
        assignments = ", ".join(f"{self.quote(column)} = ?" for column in values)
        self.execute(f"update {self.qualified(table)} set {assignments} where {where}",
                     [*values.values(), *parameters])

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("begin")
        try:
            yield
        except BaseException:
            try:
                self.duckdb.rollback()
            except duckdb.Error:
                pass  # a failed commit already ended it
            raise
        self.execute("commit")

    def close(self) -> None:
        self.duckdb.close()


def connect_duckdb(path: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB warehouse file itself; a read-only open of a missing file is an error that says how to
    build it."""
    file = warehouse_path(path)
    if read_only and not file.exists():
        raise WarehouseError(f"No warehouse at {file}: build it first (make demo, or load data and run dbt build).")
    if not read_only:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(file), read_only=read_only, config=engine_settings(file))
    except duckdb.IOException as error:  # typically: another process holds the write lock
        raise WarehouseError(f"Cannot open the warehouse {file}: {error}") from error


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False) -> Warehouse:
    """Open the warehouse of the current target ($CDP_TARGET): the DuckDB file (``path``, else $CDP_DUCKDB_PATH),
    or the Spark Thrift server (where ``path`` only places the locks, see ``lock_base``)."""
    if engine() == "spark":
        from cdp.warehouse.spark_warehouse import SparkWarehouse

        return SparkWarehouse.connect()
    return DuckDBWarehouse(connect_duckdb(path, read_only=read_only), str(warehouse_path(path)))


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def lock_base(path: str | os.PathLike | None = None) -> Path:
    """What the locks of the commands sit next to: the DuckDB file, or, on Spark, a file named after the server
    under the project's warehouse folder (the commands that share a Spark server run on one machine)."""
    if engine() == "spark":
        from cdp.warehouse.spark_warehouse import server_address

        host, port = server_address()
        return PROJECT_ROOT / "warehouse" / f"spark-{host}-{port}"
    return warehouse_path(path)


class LockBusy(WarehouseError):
    """Another process holds the lock."""


@contextmanager
def exclusive_lock(purpose: str, path: str | os.PathLike | None = None, *, wait: bool = False) -> Iterator[Path]:
    """Hold an exclusive lock next to the warehouse (``<warehouse>.<purpose>.lock``) for the block.

    Without ``wait``, raises LockBusy at once when another process holds it. The operating system releases the
    lock when the process ends, however it ends, so a killed process never leaves a stale lock behind.
    """
    base = lock_base(path)
    lock_file = base.with_name(base.name + f".{purpose}.lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockBusy(f"{purpose} is already running on {base} ({holder}); "
                           "wait for it to finish") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        try:
            yield lock_file
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
