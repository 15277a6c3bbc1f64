"""Running dbt from the scripts: the dbt of this virtual environment, on a given warehouse, from the project root."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cdp.warehouse.connection import PROJECT_ROOT, warehouse_path

DBT = Path(sys.executable).with_name("dbt")


def dbt_env(warehouse: str | os.PathLike | None, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for dbt on ``warehouse``: this project's profile (unless DBT_PROFILES_DIR says otherwise),
    plain output (no colour codes in captured logs), and the log file (logs/dbt.log) at info level unless
    DBT_LOG_LEVEL_FILE says otherwise: dbt's default, debug, writes every SQL statement, some 30,000 lines per full
    build, which a pipeline cycling every few minutes would pile up (and it costs about half a second a build)."""
    env = dict(os.environ if base is None else base)
    return {**env, "CDP_DUCKDB_PATH": str(warehouse_path(warehouse)), "DBT_USE_COLORS": "false",
            "DBT_PROFILES_DIR": env.get("DBT_PROFILES_DIR", str(PROJECT_ROOT)),
            "DBT_LOG_LEVEL_FILE": env.get("DBT_LOG_LEVEL_FILE", "info")}


def run_dbt(args: list[str], warehouse: str | os.PathLike | None) -> subprocess.CompletedProcess:
    """``dbt ARGS`` on ``warehouse``, output captured."""
    return subprocess.run([str(DBT), *args], cwd=PROJECT_ROOT, env=dbt_env(warehouse), capture_output=True,
                          text=True)
