"""The identity stress case: int_persons_resolved, exactly as dbt compiles it, over one long chain of records.

A chain whose every link is a distinct value (record i and record i + 1 share a value nobody else claims) is what
the per-value cap (var identity_max_records_per_value) cannot stop, and what made the first identity resolution
quadratic. The compiled model runs in DuckDB against two tables standing in for its upstream models, so the case
measures the SQL a build runs, without building a warehouse around it. Used by the benchmark (cdp_dev/bench.py)
and the property tests (tests/test_properties.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cdp.warehouse.connection import PROJECT_ROOT
from cdp.warehouse.dbt_runner import DBT

MODEL = "int_persons_resolved"
UPSTREAM_MODELS = ("int_person_records_unioned", "int_person_links")


class CompileError(RuntimeError):
    """dbt could not compile the model; the message holds dbt's output."""


def compile_model(workdir: Path, *dbt_args: str, inline: str | None = None) -> str:
    """`dbt compile` of int_persons_resolved (or of `inline` SQL) against an empty throwaway warehouse in
    `workdir`, with its own target and log folders. For the model, the upstream relations are replaced by their bare
    names (the tables a caller creates), each as the manifest names it, so nothing depends on dbt's quoting."""
    env = {
        **os.environ,
        "CDP_DUCKDB_PATH": str(workdir / "cdp.duckdb"),
        "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(PROJECT_ROOT)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    selection = ["--inline", inline] if inline is not None else ["--select", MODEL]
    command = [str(DBT), "compile", *selection, *dbt_args, "--quiet", "--output", "json",
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CompileError(f"dbt compile failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
    sql = json.loads(result.stdout[result.stdout.index("{"):])["compiled"]
    if inline is not None:
        return sql
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    for model in UPSTREAM_MODELS:
        relation = manifest["nodes"][f"model.cdp.{model}"]["relation_name"]
        if relation not in sql:
            raise CompileError(f"{relation} not found in the compiled {MODEL}")
        sql = sql.replace(relation, model)
    return sql


def create_chain(con: duckdb.DuckDBPyConnection, length: int) -> None:
    """Temp tables int_person_records_unioned and int_person_links holding one chain of `length` records. The keys
    are hashes ('r' || md5(i)), so the chain's order is not the keys' order and the smallest key sits anywhere."""
    con.execute(f"""
        create or replace temp table chain as
        select i, 'r' || md5(cast(i as varchar)) as record_key from range({int(length)}) as t(i)""")
    con.execute("create or replace temp table int_person_records_unioned as select record_key from chain")
    con.execute("""
        create or replace temp table int_person_links as
        select a.record_key, b.record_key as linked_record_key, 'same_email' as link_type
        from chain as a inner join chain as b on b.i = a.i + 1""")


@dataclass
class ChainResult:
    records: int
    persons: int
    is_one_person: bool  # one person, named after the chain's smallest key, holding every record
    seconds: float


def resolve_chain(con: duckdb.DuckDBPyConnection, sql: str, length: int) -> ChainResult:
    """Run the compiled model over a fresh chain of `length` records; the time is the model's query alone."""
    create_chain(con, length)
    started = time.monotonic()
    records, persons, named, largest = con.execute(f"""
        select count(*), count(distinct component_key), min(component_key), max(component_size)
        from ({sql}) as resolved""").fetchone()
    seconds = time.monotonic() - started
    smallest = con.execute("select min(record_key) from chain").fetchone()[0]
    return ChainResult(records, persons, persons == 1 and named == smallest and largest == length, seconds)
