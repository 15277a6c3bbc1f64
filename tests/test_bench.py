"""The benchmark script at a tiny scale: every step runs, the figures and checks are reported (never asserted on:
timings are the benchmark's output, not a test's)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

pytestmark = pytest.mark.dbt  # every test here builds the project or runs dbt


def test_bench_runs_every_step_and_reports_json_and_a_table(tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "bench.py"), "--accounts", "20", "--cache", str(tmp_path),
         "--json", str(tmp_path / "results.json")],
        cwd=REPO_ROOT, capture_output=True, text=True,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "results.json").read_text())
    for measure in ("floor_scan_s", "load_s", "full_build_s", "incremental_build_s", "freshness_s", "peak_rss_mb",
                    "warehouse_mb"):
        assert data[measure] > 0, measure
    assert data["raw_activity_rows"] > 0 and data["incremental_rows"] > 0
    assert [check["metric"] for check in data["checks"]] == [
        "full dbt build", "full build / floor", "load / floor", "incremental / full build", "end-to-end freshness",
        "peak memory (RSS)", "identity models", "identity stress: chain of 50,000", "identity stress: chain of 1,000",
    ]
    # the identity models were timed, and the stress chains each came out as one person
    assert set(data["identity_models_s"]) == {"int_person_records_unioned", "int_person_identity_claims",
                                              "int_person_links", "int_persons_resolved"}
    assert [(chain["records"], chain["persons"], chain["is_one_person"]) for chain in data["stress"]] == [
        (50_000, 1, True), (1_000, 1, True)]
    assert "end-to-end freshness" in result.stdout and "heaviest models, full build" in result.stdout
    # where each build's time goes: every node of the full build is in one group, the tests apart from the models
    full = {group: (nodes, seconds) for group, nodes, seconds in data["profile_full"]}
    assert {"data tests", "models: staging", "models: intermediate", "models: marts", "models: segments"} <= set(full)
    manifest = json.loads((tmp_path / "run-20-seed1-app12" / "target" / "manifest.json").read_text())
    assert full["data tests"][0] == sum(
        1 for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and "demo" not in node["tags"] and node["config"]["enabled"])
    assert full["data tests"][1] > 0
    incremental = {group for group, _, _ in data["profile_incremental"]}
    assert "data tests" in incremental and "models: staging" in incremental
    assert "where the full build's time goes" in result.stdout
    # the freshness step's visit went through the pipeline and was moved aside
    assert list((tmp_path / "run-20-seed1-app12" / "drop" / ".loaded").glob("*/marketo/activity_visit_webpage.*"))
