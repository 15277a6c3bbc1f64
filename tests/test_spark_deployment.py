"""The whole product on a Spark cluster, as a deployment runs it, against DuckDB on the same data.

The local cluster (scripts/spark_cluster.py) runs on free ports in a folder of its own. Generated raw data is loaded
with scripts/load_raw.py, built with `dbt build`, exported to a file and synced to a fake Marketo with
scripts/export_audience.py; then a pipeline cycle (scripts/run_pipeline.py) appends a batch of new activities and
builds what it affects. Each step runs the same way with CDP_TARGET=spark_cluster and on a DuckDB file, and every
public model, the exported file and the synced list are compared row by row. Needs the Spark extras and Java;
`make test-spark` runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cdp_dev.compare import compare_exports, format_report
from cdp_dev.fakes.marketo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeMarketo, RunningFakeMarketo
from conftest import REPO_ROOT, Project, spark_cluster, spark_cluster_env

pytestmark = pytest.mark.spark

ACCOUNTS = 30
END = "2026-11-01"  # the data's end and the build's as_of: the same audience whatever the day the test runs
SEGMENT = "seg_new_product_upsell"
LIST_NAME = "CDP - New product upsell"
SCHEDULED = ("--exclude", "tag:demo", "--exclude-resource-type", "unit_test")


class Engine(Project):
    """The project on one engine: a DuckDB file, or (``cluster`` given) the Spark cluster's catalog."""

    def __init__(self, workdir: Path, cluster: dict[str, str] | None = None) -> None:
        super().__init__(workdir)
        self.cluster = cluster
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict[str, str]:
        extra = {**self.cluster, "CDP_TARGET": "spark_cluster"} if self.cluster else {}
        return {**super().env, **extra}

    def build_vars(self, exports: Path) -> dict[str, str]:
        exports.mkdir(parents=True, exist_ok=True)
        return {"as_of": END, "compare_export_dir": str(exports)}

    def python(self, code: str, *args: str) -> object:
        """What ``code`` prints as JSON, run with this engine's environment (``sys.argv[1:]`` are ``args``)."""
        result = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO_ROOT, env=self.env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def query(self, sql: str) -> list[tuple]:
        """Rows of ``sql`` from this engine's warehouse, through the project's own warehouse interface."""
        rows = self.python("import json, sys; from cdp.warehouse.connection import connect\n"
                           "with connect(read_only=True) as con:\n"
                           "    print(json.dumps(con.fetchall(sys.argv[1]), default=str))", sql)
        return [tuple(row) for row in rows]


def generate(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "generate_data.py"), "--accounts", str(ACCOUNTS),
                    "--end", END, "--out", str(out), *args], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    root = tmp_path_factory.mktemp("deployment")
    cluster = spark_cluster_env(root / "cluster")
    up = spark_cluster({**os.environ, **cluster}, "up")
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        yield root, {"duckdb": Engine(root / "duckdb"), "spark": Engine(root / "spark", cluster)}
    finally:
        spark_cluster({**os.environ, **cluster}, "down")


def assert_same_public_models(duckdb_exports: Path, spark_exports: Path) -> None:
    results = compare_exports(duckdb_exports, spark_exports)
    assert len(results) > 20 and all(result.left_rows is not None for result in results)
    assert all(result.same for result in results), format_report(results, "duckdb", "spark")


def test_load_build_export_and_sync_on_the_cluster_give_what_duckdb_gives(deployment):
    root, engines = deployment
    data = generate(root / "data")
    fake = FakeMarketo(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    synced = {}
    with RunningFakeMarketo(fake) as marketo:
        marketo_env = {"MARKETO_BASE_URL": marketo.base_url, "MARKETO_CLIENT_ID": DEMO_CLIENT_ID,
                       "MARKETO_CLIENT_SECRET": DEMO_CLIENT_SECRET}
        for name, engine in engines.items():
            # GIVEN the raw data loaded and built on each engine, as the README's commands do
            loaded = engine.script("load_raw.py", str(data))
            assert "rows in 24 tables loaded" in loaded.stdout
            engine.dbt("build", *SCHEDULED, vars=engine.build_vars(root / "exports" / name))
            # WHEN the audience is exported to a file and synced to a Marketo list (one list per engine)
            engine.script("export_audience.py", "--segment", SEGMENT, "--format", "marketo-csv",
                          "--out", str(root / "out" / name))
            os.environ.update(marketo_env)
            try:
                engine.script("export_audience.py", "--segment", SEGMENT, "--format", "marketo",
                              "--list-name", f"{LIST_NAME} ({name})", "--folder-id", "1")
                engine.script("export_audience.py", "--segment", SEGMENT, "--format", "marketo",
                                      "--list-name", f"{LIST_NAME} ({name})", "--folder-id", "1")
            finally:
                for variable in marketo_env:
                    os.environ.pop(variable)
            synced[name] = fake.list_members(f"{LIST_NAME} ({name})")

    # THEN every public model holds the same rows on both engines
    assert_same_public_models(root / "exports" / "duckdb", root / "exports" / "spark")
    # AND the same audience was written and synced
    exported = [(root / "out" / name / f"{SEGMENT}.marketo.csv").read_text() for name in engines]
    assert exported[0] == exported[1] and exported[0].count("\n") > 2
    assert synced["duckdb"] == synced["spark"] and synced["spark"]
    # AND the sync log is in the cluster's tables: two runs, every member added once, by the first (the second read
    # the first one's log back and had nothing to send)
    spark = engines["spark"]
    runs = spark.query("select mode, status, added_count from activation.activation_sync_runs"
                       " where destination = 'marketo' order by started_at")
    assert runs == [("incremental", "succeeded", len(synced["spark"])), ("incremental", "succeeded", 0)]
    [(members,)] = spark.query("select count(distinct email_key) from activation.activation_sync_members"
                               " where destination = 'marketo' and operation = 'added' and status = 'succeeded'")
    assert members == len(synced["spark"])
    # AND explain says the same of a member on both engines, and the report reads the cluster
    explained = [engine.script("explain.py", "--segment", SEGMENT, "--email", synced["spark"][0]).stdout
                 for engine in engines.values()]
    assert explained[0] == explained[1] and f"{synced['spark'][0]} is IN {SEGMENT}" in explained[0]
    spark.script("report.py", "--out", str(root / "report"))
    assert "Spark Thrift server" in (root / "report" / "report.html").read_text()


def test_a_pipeline_cycle_appends_a_batch_once_and_builds_it_on_the_cluster(deployment):
    root, engines = deployment
    batch_files = generate(root / "batch", "--activity-batch", "0.02", "--batch-id", "0")
    for name, engine in engines.items():
        drop = root / "drop" / name
        shutil.copytree(batch_files, drop)
        before = engine.query("select count(*) from raw_marketo.activity_visit_webpage")[0][0]
        # WHEN a cycle runs over a drop folder holding a batch of new activities
        cycle = engine.script("run_pipeline.py", "--drop", str(drop), "--out", str(root / "pipeline-out" / name),
                              "--target-path", str(engine.workdir / "pipeline-target"),
                              "--vars", json.dumps(engine.build_vars(root / "pipeline-exports" / name)))
        assert "done" in cycle.stdout.splitlines()[0], cycle.stdout
        # THEN the batch is in the ledger, built, and its rows were appended
        [batch] = [path.name for path in (drop / ".loaded").iterdir()]
        ledger = engine.query("select batch, built_at is not null from raw_loads.loaded_batches")
        assert ledger == [(batch, True)]
        after = engine.query("select count(*) from raw_marketo.activity_visit_webpage")[0][0]
        assert after > before
        # AND a batch found again in .processing (a cycle killed after loading it) is moved aside, not loaded twice
        (drop / ".processing").mkdir(exist_ok=True)
        shutil.move(drop / ".loaded" / batch, drop / ".processing" / batch)
        assert engine.python("import json, sys; from pathlib import Path; from cdp.pipeline import load_batches\n"
                             "print(json.dumps(load_batches(Path(sys.argv[1]), None)))", str(drop)) == [[], 0]
        assert list((drop / ".processing").iterdir()) == [] and (drop / ".loaded" / batch / "marketo").is_dir()
        assert engine.query("select count(*) from raw_marketo.activity_visit_webpage")[0][0] == after
        assert engine.query("select count(*) from raw_loads.loaded_batches") == [(1,)]

    # AND after the cycle both engines hold the same public models
    assert_same_public_models(root / "pipeline-exports" / "duckdb", root / "pipeline-exports" / "spark")


def test_a_file_that_breaks_the_contract_writes_nothing_into_the_cluster(deployment):
    root, engines = deployment
    spark = engines["spark"]
    good, bad = root / "good", root / "bad"
    for folder, unsubscribed in ((good, "false"), (bad, "perhaps")):
        (folder / "marketo").mkdir(parents=True)
        (folder / "marketo" / "lead.csv").write_text(f"id,email,unsubscribed\n1,a@example.com,{unsubscribed}\n")
    # GIVEN a lead table of one row on the cluster (the last test here: it replaces the table)
    spark.script("load_raw.py", str(good))
    # WHEN the loader is given a file whose value breaks the contract
    result = spark.script("load_raw.py", str(bad), check=False)
    # THEN it is refused with the file, the column and the value named, as on DuckDB
    assert result.returncode == 1
    assert "lead.csv" in result.stderr and "'unsubscribed'" in result.stderr and "'perhaps'" in result.stderr
    # AND the cluster's raw table is as it was, with no table of the load left beside it
    assert spark.query("select id, email, unsubscribed from raw_marketo.lead") == [("1", "a@example.com", False)]
    assert not [row for row in spark.query("show tables in raw_marketo") if "__cdp_loading" in row[1]]
