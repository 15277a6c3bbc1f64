"""Any user's raw data builds: the README's "Loading your own data" commands, read from the README and run exactly as
written (a user's shell: no dbt environment variables, the repository as the working folder), on every raw shape the
contract allows, written by the generator (`scripts/generate_data.py --shape`):

- minimal: only the required tables, only their required columns;
- full: every table and column;
- text: every value as CSV exports write it (BOM, CRLF, date-times in date columns, upper-case booleans, offsets,
  empty strings, `.000` fractions);
- wide: hundreds of unknown extra columns, awkward names among them;

and the text shape landed by another loader as text tables, built with the README's command for data already in the
warehouse. Each builds every model with all data and unit tests, and gives the expected members of the upsell
segment (stated by the generator's world model, not by the project's rules); full, text and wide give the same
marts; `make build` and a scheduled pipeline cycle with a batch in the same shape work on each.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from cdp.warehouse.sql import quote_identifier, quote_literal
from cdp_dev.generator import SHAPES, expected_upsell_emails
from conftest import REPO_ROOT

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt

ACCOUNTS = 20
SEED = 7
SEGMENT = "seg_new_product_upsell"
# Tables whose rows do not depend on the time of the build (segments and traits do, through as_of).
TIMELESS = ("marts.dim_accounts", "marts.dim_persons", "marts.person_identity_map", "marts.account_identity_map",
            "marts.fct_opportunities", "marts.bridge_person_accounts", "marts.data_quality_summary",
            "marts.data_quality_row_counts")


def readme_commands() -> dict[str, str]:
    """The commands of the README's section "Loading your own data", by role, as the README writes them."""
    text = (REPO_ROOT / "README.md").read_text()
    start = text.index("\n### Loading your own data\n")
    section = text[start:text.index("\n## ", start)]
    lines = [line for block in re.findall(r"```sh\n(.*?)```", section, re.S) for line in block.splitlines()]
    commands = {
        "load": [line for line in lines if "scripts/load_raw.py DIR" in line and "--append" not in line],
        "build": [line for line in lines if "dbt build --exclude tag:demo" in line and "--vars" not in line],
        "build_warehouse_schemas": [line for line in lines if "dbt build --exclude tag:demo --vars" in line],
    }
    assert all(len(found) == 1 for found in commands.values()), commands
    return {role: found[0] for role, (found) in commands.items()}


def user_env(workdir: Path) -> dict[str, str]:
    """A user's shell with the project's virtual environment on PATH: none of the variables `make` exports for dbt;
    the warehouse and dbt's target and log folders in `workdir`, so that the tests leave the repository alone."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DBT_", "CDP_", "MARKETO_"))}
    return {**env, "PATH": f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}",
            "CDP_DUCKDB_PATH": str(workdir / "cdp.duckdb"), "DBT_TARGET_PATH": str(workdir / "target"),
            "DBT_LOG_PATH": str(workdir / "logs")}


def run(command: str, env: dict[str, str], data: Path | None = None) -> subprocess.CompletedProcess:
    """A README command run as written (DIR replaced by the data folder), from the repository root."""
    if data is not None:
        command = re.sub(r"\bDIR\b", shlex.quote(str(data)), command)
    result = subprocess.run(["bash", "-c", command], cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{command}\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
    return result


def generate(out: Path, shape: str, end: str, *batch: str) -> None:
    run(shlex.join([sys.executable, "scripts/generate_data.py", "--accounts", str(ACCOUNTS), "--seed", str(SEED),
                    "--end", end, "--shape", shape, "--out", str(out), *batch]), os.environ)


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def rows(warehouse: Path, table: str) -> list[tuple]:
    """Every row of a table, sorted, as text (so that rows compare across builds)."""
    return query(warehouse, f"select * from {table} order by all")


@dataclass
class Build:
    """One shape loaded and built with the README's commands."""

    shape: str
    workdir: Path
    end: str

    @property
    def warehouse(self) -> Path:
        return self.workdir / "cdp.duckdb"

    def results(self) -> dict[str, str]:
        """unique_id -> status of the last dbt command (run_results.json)."""
        document = json.loads((self.workdir / "target" / "run_results.json").read_text())
        return {result["unique_id"]: result["status"] for result in document["results"]}

    def manifest(self) -> dict:
        return json.loads((self.workdir / "target" / "manifest.json").read_text())

    def audience(self) -> set[str]:
        return {email for (email,) in query(self.warehouse, f"select email from segments.{SEGMENT}")}

    def as_of(self) -> datetime:
        [(as_of,)] = query(self.warehouse, "select max(as_of_at) from marts.person_traits")
        return as_of


def end_of_history() -> str:
    """The generated history ends at the start of this hour (UTC), so the README's build, evaluated now, sees the
    last weeks' visits."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:00")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Shape -> Build: generated, loaded and built with the README's commands once per module, on first use."""
    cache: dict[str, Build] = {}
    commands = readme_commands()
    end = end_of_history()

    def get(shape: str) -> Build:
        if shape not in cache:
            workdir = tmp_path_factory.mktemp(f"shape-{shape}")
            data = workdir / "raw"
            generate(data, shape, end)
            env = user_env(workdir)
            run(commands["load"], env, data)
            run(commands["build"], env)
            cache[shape] = Build(shape, workdir, end)
        return cache[shape]

    return get


@pytest.mark.parametrize("shape", SHAPES)
def test_readme_commands_build_every_model_with_all_tests(built, shape):
    # GIVEN raw files of the shape, loaded and built with the README's commands, exactly as written
    build = built(shape)
    results, manifest = build.results(), build.manifest()

    # THEN every node ran and passed (warnings are the data-quality findings of dirty data; exposures do not run):
    # no error, no skip
    results = {node: status for node, status in results.items() if not node.startswith("exposure.")}
    assert {status for status in results.values()} <= {"success", "pass", "warn"}, \
        {node: status for node, status in results.items() if status not in ("success", "pass", "warn")}
    # AND the unit tests ran, every one of them
    unit_tests = {node for node in manifest["unit_tests"]}
    assert unit_tests and unit_tests <= set(results)
    # AND every mart, segment and activation model was built
    public = {node for node, model in manifest["nodes"].items()
              if model["resource_type"] == "model" and model["fqn"][1] in ("marts", "segments", "activation")}
    assert public and all(results.get(node) == "success" for node in public), public - set(results)


@pytest.mark.parametrize("shape", ["full", "text", "wide"])
def test_the_upsell_audience_is_the_generated_one(built, shape):
    # GIVEN a shape holding every table, built with the README's commands
    build = built(shape)
    # THEN the upsell audience is the one the generator planted, at the time the build evaluated it
    expected = expected_upsell_emails(ACCOUNTS, SEED, build.end, as_of=build.as_of())
    assert expected and build.audience() == expected


def test_minimal_data_has_no_audience_and_says_why(built):
    # GIVEN only the required tables: no web visits, no Marketo deals, no MDM crosswalk
    build = built("minimal")
    # THEN nobody visited a page, so the upsell audience is empty; people and accounts are still there
    assert build.audience() == set()
    assert query(build.warehouse, "select count(*) from marts.fct_web_visits") == [(0,)]
    assert query(build.warehouse, "select count(*) > 0 from marts.dim_persons") == [(True,)]
    assert query(build.warehouse, "select count(*) > 0 from marts.fct_opportunities where is_won") == [(True,)]


@pytest.mark.parametrize("shape", ["text", "wide"])
def test_text_and_wide_build_the_same_marts_as_full(built, shape):
    # GIVEN the same generated rows as full, encoded as CSV exports write them, or with extra columns
    full, other = built("full"), built(shape)
    # THEN every mart that does not depend on the time of the build holds the same rows
    for table in TIMELESS:
        assert rows(other.warehouse, table) == rows(full.warehouse, table), table


def test_text_landed_as_text_tables_builds_the_same_marts_as_full(built, tmp_path):
    # GIVEN the text shape's files landed by another loader as text tables (every column VARCHAR), in the schemas
    # of the README's example
    full = built("full")
    data = tmp_path / "raw"
    generate(data, "text", full.end)
    env = user_env(tmp_path)
    command = readme_commands()["build_warehouse_schemas"]
    schemas = dict(re.findall(r"(\w+)_schema: (\w+)", command))
    with duckdb.connect(env["CDP_DUCKDB_PATH"]) as con:
        for path in sorted(data.glob("*/*.csv")):
            schema = quote_identifier(schemas[path.parent.name])
            con.execute(f"create schema if not exists {schema}")
            con.execute(f"create table {schema}.{quote_identifier(path.stem)} as "
                        f"select * from read_csv({quote_literal(path)}, header = true, all_varchar = true)")

    # WHEN the project is built with the README's command for data already in the warehouse
    run(command, env)

    # THEN staging read every value as the loader reads it: the same marts as full, the same audience
    landed = Build("text-landed", tmp_path, full.end)
    for table in TIMELESS:
        assert rows(landed.warehouse, table) == rows(full.warehouse, table), table
    assert landed.audience() == expected_upsell_emails(ACCOUNTS, SEED, full.end, as_of=landed.as_of())


@pytest.fixture(scope="module")
def cycled(built, tmp_path_factory: pytest.TempPathFactory):
    """Shape -> (Build, pipeline output): `make build`, then one pipeline cycle on a batch of new activities in the
    same shape, evaluated as of the end of the generated history (every shape at the same time, so that their
    audiences compare; the batch's activities are in the hour before it)."""
    cache: dict[str, tuple[Build, str]] = {}

    def get(shape: str) -> tuple[Build, str]:
        if shape not in cache:
            build = built(shape)
            env = user_env(build.workdir)
            subprocess.run(["make", "build"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True)
            drop = tmp_path_factory.mktemp(f"drop-{shape}")
            generate(drop, shape, build.end, "--activity-batch", "0.01", "--batch-id", "0", "--force")
            cycle = run(shlex.join([sys.executable, "scripts/run_pipeline.py", "--drop", str(drop),
                                    "--target-path", str(build.workdir / "target"),
                                    "--out", str(build.workdir / "out"),
                                    "--vars", json.dumps({"as_of": build.end})]), env)
            cache[shape] = (build, cycle.stdout)
        return cache[shape]

    return get


@pytest.mark.parametrize("shape", SHAPES)
def test_make_build_and_a_pipeline_cycle_work_on_every_shape(cycled, shape):
    # GIVEN a shape built with the README's commands, then `make build`, then a cycle loading a batch in that shape
    build, report = cycled(shape)
    # THEN the cycle says it is done, and the batch is loaded and built
    assert report.startswith("cycle (batch ") and ": done" in report.splitlines()[0], report
    [(batches,)] = query(build.warehouse, "select count(*) from raw_loads.loaded_batches where built_at is not null")
    assert batches == 1
    # AND the new activities are in the facts (the base set of the minimal shape had none)
    [(visits,)] = query(build.warehouse, "select count(*) from marts.fct_web_visits "
                                         f"where visited_at > cast('{build.end}' as timestamp) - interval 1 hour")
    assert visits > 0
    # AND an audience with every table still holds everyone the base set planted (their visits are in the window)
    if shape != "minimal":
        assert build.audience() >= expected_upsell_emails(ACCOUNTS, SEED, build.end, as_of=build.end)


@pytest.mark.parametrize("shape", ["text", "wide"])
def test_text_and_wide_cycles_give_the_same_audiences_as_full(cycled, shape):
    full, _ = cycled("full")
    other, _ = cycled(shape)
    sql = "select segment_name, email from segments.segment_membership order by all"
    assert query(other.warehouse, sql) == query(full.warehouse, sql)
    assert query(full.warehouse, f"select count(*) from segments.{SEGMENT}")[0][0] > 0
