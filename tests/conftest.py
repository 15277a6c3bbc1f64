"""Shared helpers for the end-to-end tests: run dbt and the scripts against a fresh temporary warehouse."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from browser import Browser, launch_browser, missing_browser

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_SEEDS = REPO_ROOT / "seeds" / "demo"


def free_port() -> int:
    """A TCP port nobody listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def spark_cluster_env(folder: Path) -> dict[str, str]:
    """The variables that put a local Spark cluster (scripts/spark_cluster.py) in ``folder``, on free ports."""
    ports = {"CDP_SPARK_MASTER_PORT": free_port(), "CDP_SPARK_UI_PORT": free_port(),
             "CDP_SPARK_THRIFT_PORT": free_port()}
    return {"CDP_SPARK_CLUSTER_DIR": str(folder), **{name: str(port) for name, port in ports.items()}}


def spark_cluster(env: dict[str, str], action: str) -> subprocess.CompletedProcess:
    """scripts/spark_cluster.py ACTION (up, down, status), as a user runs it."""
    return subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "spark_cluster.py"), action], env=env,
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)


class Project:
    """The dbt project pointed at one temporary warehouse (its own target and log folders too)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.warehouse = workdir / "cdp.duckdb"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CDP_DUCKDB_PATH": str(self.warehouse),
            "DBT_PROFILES_DIR": str(REPO_ROOT),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }

    def dbt(self, *args: str, vars: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
        command = [
            str(BIN / "dbt"), *args,
            "--target-path", str(self.workdir / "target"),
            "--log-path", str(self.workdir / "logs"),
        ]
        if vars:
            command += ["--vars", json.dumps(vars)]
        result = subprocess.run(command, cwd=REPO_ROOT, env=self.env, capture_output=True, text=True)
        if check and result.returncode != 0:
            pytest.fail(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        return result

    def script(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, str(REPO_ROOT / "scripts" / name), *args],
            cwd=REPO_ROOT, env=self.env, capture_output=True, text=True,
        )
        if check and result.returncode != 0:
            pytest.fail(f"{name} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def demo_as_raw_files(target: Path, tables: set[str] | None = None) -> Path:
    """The demo seeds laid out as a loader drop folder (target/<source>/<table>.csv), dates as written."""
    for seed in sorted(DEMO_SEEDS.glob("*/demo_*__*.csv")):
        source = seed.parent.name
        table = seed.stem.split("__", 1)[1]
        if tables is None or f"{source}.{table}" in tables:
            (target / source).mkdir(parents=True, exist_ok=True)
            shutil.copy(seed, target / source / f"{table}.csv")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (tests/browser.py) for the tests marked browser; a test fails, never skips, without it."""
    problem = missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)
    with launch_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The Townsend demo built once per module, exactly as `make demo` builds it."""
    built = Project(tmp_path_factory.mktemp("demo"))
    built.dbt("build", "--full-refresh")
    return built


SEGMENT_MEMBERS = REPO_ROOT / "tests" / "fixtures" / "segment_members"
# Every segment's members: people (segment_membership) for person segments, accounts for the account segment. The
# expected rows in SEGMENT_MEMBERS/<data set>.csv were recorded before segments became one declaration each, and
# the move must keep them (the demo and the generated set at as_of 2026-11-01, the messy fixture likewise).
SEGMENT_MEMBERS_QUERY = """
select m.segment_name, m.person_id as member_key
from segments.segment_membership as m
join segments.segment_definitions as d on d.segment_name = m.segment_name and d.condition_order = 1
where d.segment_grain = 'person' and m.assignment = 'member'
union all
select 'seg_accounts_stalled_pipeline', account_id
from segments.seg_accounts_stalled_pipeline
where assignment = 'member'
order by 1, 2
"""


def recorded_segment_members(data_set: str) -> list[tuple[str, str]]:
    """The members recorded for a data set (tests/fixtures/segment_members/<data_set>.csv)."""
    with open(SEGMENT_MEMBERS / f"{data_set}.csv", newline="", encoding="utf-8") as handle:
        return [(row["segment_name"], row["member_key"]) for row in csv.DictReader(handle)]
