"""Where the DuckDB warehouse is, how the commands open it, and the locks that keep two of them apart.

PROJECT_ROOT is the dbt project: $DBT_PROJECT_DIR when set (dbt's own variable; the Makefile sets it), else this
checkout (the package is installed in editable mode). dbt runs from it, the generated files are written into it, and
a relative warehouse path is taken from it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(os.environ.get("DBT_PROJECT_DIR") or Path(__file__).resolve().parents[2]).resolve()
DEFAULT_PATH = "warehouse/cdp.duckdb"


class WarehouseError(Exception):
    """A problem with the warehouse that the user can act on (the message says what to do)."""


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


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a read-only open of a missing file is an error that says how to build it."""
    file = warehouse_path(path)
    if read_only and not file.exists():
        raise WarehouseError(f"No warehouse at {file}: build it first (make demo, or load data and run dbt build).")
    if not read_only:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(file), read_only=read_only, config=engine_settings(file))
    except duckdb.IOException as error:  # typically: another process holds the write lock
        raise WarehouseError(f"Cannot open the warehouse {file}: {error}") from error


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


class LockBusy(WarehouseError):
    """Another process holds the lock."""


@contextmanager
def exclusive_lock(purpose: str, path: str | os.PathLike | None = None, *, wait: bool = False) -> Iterator[Path]:
    """Hold an exclusive lock next to the warehouse (``<warehouse>.<purpose>.lock``) for the block.

    Without ``wait``, raises LockBusy at once when another process holds it. The operating system releases the
    lock when the process ends, however it ends, so a killed process never leaves a stale lock behind.
    """
    lock_file = warehouse_path(path).with_name(warehouse_path(path).name + f".{purpose}.lock")
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_file, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LockBusy(f"{purpose} is already running on {warehouse_path(path)} ({holder}); "
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
