"""The scheduled cycle (scripts/run_pipeline.py, cdp/pipeline.py): load the drop folder, build, activate; safe to run
twice at once and to kill."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from cdp import pipeline
from cdp.warehouse.connection import exclusive_lock
from cdp.warehouse.loader import load
from conftest import REPO_ROOT, Project, demo_as_raw_files

SEGMENT = "seg_new_product_upsell"
AS_OF = {"as_of": "2026-11-01"}  # the demo files' dates are as written, around this day
VISIT_HEADER = "id,lead_id,activity_date,webpage_url,primary_attribute_value,query_parameters,referrer_url," \
               "_fivetran_synced,_fivetran_active\n"


def run_pipeline(project: Project, drop: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "run_pipeline.py"), "--drop", str(drop), "--out", str(out),
         "--target-path", str(project.workdir / "target"), "--vars", json.dumps(AS_OF), *args],
        cwd=REPO_ROOT, env={k: v for k, v in project.env.items() if not k.startswith("MARKETO_")},
        capture_output=True, text=True,
    )


def drop_visit(drop: Path, visit_id: str, lead_id: str, day: str) -> None:
    (drop / "marketo").mkdir(parents=True, exist_ok=True)
    (drop / "marketo" / "activity_visit_webpage.csv").write_text(
        VISIT_HEADER + f"{visit_id},{lead_id},{day} 10:00:00,https://www.bodea.com/products/new-platform,New Platform,"
        f",,{day} 10:05:00,true\n")


def marketo_file_emails(out: Path) -> list[str]:
    with open(out / f"{SEGMENT}.marketo.csv", newline="", encoding="utf-8") as handle:
        return [row["Email Address"] for row in csv.DictReader(handle)]


@pytest.mark.dbt
def test_cycles_load_build_and_activate_and_a_new_visit_reaches_the_audience(project, tmp_path):
    drop, out = tmp_path / "drop", tmp_path / "out"
    demo_as_raw_files(drop)

    # WHEN the first cycle runs on an empty warehouse
    first = run_pipeline(project, drop, out)

    # THEN it loaded every file, built everything and wrote the segment's configured file destinations
    assert first.returncode == 0, first.stdout + first.stderr
    assert "everything (first build)" in first.stdout
    assert marketo_file_emails(out) == ["p2@townsend.com"]
    assert (out / f"{SEGMENT}.linkedin.csv").exists()
    assert "marketo skipped (Marketo error: environment variable MARKETO_BASE_URL is not set)" in first.stdout
    assert not list(drop.glob("*/*.csv")) and len(list((drop / ".loaded").glob("*/*/*.csv"))) > 20

    # WHEN p1 visits the new product page, and a cycle's build fails (bad vars) before a good one runs
    drop_visit(drop, "90001", "101", "2026-10-31")
    failed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "run_pipeline.py"), "--drop", str(drop), "--out", str(out),
         "--target-path", str(project.workdir / "target"), "--vars", json.dumps({"as_of": "not a date"})],
        cwd=REPO_ROOT, env=project.env, capture_output=True, text=True,
    )
    assert failed.returncode == 1 and "FAILED: dbt build failed" in failed.stdout
    second = run_pipeline(project, drop, out)

    # THEN the good cycle built what the visit affects (the failed cycle's batch included) and p1 joined the audience
    assert second.returncode == 0, second.stdout + second.stderr
    assert "no new files" in second.stdout
    assert "raw_marketo.activity_visit_webpage" in second.stdout
    assert marketo_file_emails(out) == ["p1@townsend.com", "p2@townsend.com"]
    assert project.query(
        "select p.email, c.change_type from segments.segment_membership_changes as c"
        " inner join marts.dim_persons as p on p.person_id = c.person_id where c.segment_name = ?", [SEGMENT]
    ) == [("p1@townsend.com", "entered")]
    assert project.query("select count(*) from raw_marketo.activity_visit_webpage where id = '90001'") == [(1,)]

    # WHEN a cycle finds nothing new, THEN it rebuilds only the time-dependent models and sends nothing
    third = run_pipeline(project, drop, out)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "no new files" in third.stdout and "unchanged" in third.stdout


def test_a_second_cycle_at_the_same_time_exits_with_a_clear_message(project, tmp_path):
    drop, out = tmp_path / "drop", tmp_path / "out"
    demo_as_raw_files(drop)

    with exclusive_lock("pipeline", project.warehouse):
        result = run_pipeline(project, drop, out)

    assert result.returncode == 75
    assert "pipeline is already running" in result.stderr
    assert not project.warehouse.exists()  # nothing touched: not even opened
    assert len(list(drop.glob("*/*.csv"))) > 20


def test_a_batch_loaded_before_a_kill_is_moved_aside_not_loaded_twice(tmp_path, monkeypatch):
    # GIVEN a cycle that claimed and loaded a batch and was killed before moving it aside
    drop, warehouse = tmp_path / "drop", tmp_path / "cdp.duckdb"
    drop_visit(drop, "1", "101", "2026-10-31")
    batch_dir = pipeline.claim_new_files(drop)
    load(batch_dir, append=True, warehouse=warehouse, batch=batch_dir.name)
    # AND a new file dropped since
    drop_visit(drop, "2", "102", "2026-10-31")

    # WHEN the next cycle loads
    batches, rows = pipeline.load_batches(drop, str(warehouse))

    # THEN only the new file was loaded; both batches are moved aside
    assert rows == 1 and len(batches) == 1 and batches[0] != batch_dir.name
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select id from raw_marketo.activity_visit_webpage order by id").fetchall() == [("1",), ("2",)]
    assert sorted(p.name for p in (drop / ".loaded").iterdir()) == sorted([batch_dir.name, batches[0]])
    assert not (drop / ".processing").exists() or not list((drop / ".processing").iterdir())


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("30s", 30), ("5m", 300), ("1h", 3600)])
def test_intervals(text, seconds):
    assert pipeline.parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["0", "5 minutes", "-1m", ""])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError, match="invalid interval"):
        pipeline.parse_interval(text)
