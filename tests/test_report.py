"""The audience report (scripts/report.py, cdp/report/): one self-contained page whose numbers are the warehouse's,
before and after a first sync, and refreshed by a pipeline cycle with --report."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from cdp import pipeline
from conftest import REPO_ROOT, Project

pytestmark = pytest.mark.dbt

SEGMENT = "seg_new_product_upsell"
SECTIONS = ("overview", "segments", "overlap", "activation", "data-quality", "identity")
# Charts every built demo has (the per-segment ones are added from the warehouse's segments).
ALWAYS_CHARTS = ("chart-segment-members", "chart-segment-sizes", "chart-overlap", "chart-row-counts",
                 "chart-records-per-person", "chart-records-per-account", "chart-person-links",
                 "chart-person-sources", "chart-account-methods")
SVG_TRACE_TYPES = {"bar", "scatter", "heatmap"}
PLOTLY_BANNER = re.compile(r"\* plotly\.js v\d+\.\d+\.\d+")
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


class Page(HTMLParser):
    """What the tests read from the page: every tag's attributes, the ids, the figures (data-figure: value and
    text), the chart containers, the scripts and style sheets."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.figures: dict[str, str] = {}
        self.figure_texts: dict[str, str] = {}
        self.charts: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._open_figure: tuple[str, int] | None = None
        self._text: list[str] = []
        self._in: str | None = None
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attributes += [(tag, name, value) for name, value in values.items()]
        self._depth += 1
        if "id" in values:
            self.ids.add(values["id"])
        if "data-chart" in values:
            self.charts.append(values["data-chart"])
        if "data-figure" in values:
            self.figures[values["data-figure"]] = values.get("data-value", "")
            self._open_figure, self._text = (values["data-figure"], self._depth), []
        if tag in ("script", "style"):
            self._in, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._in == tag:
            (self.scripts if tag == "script" else self.styles).append("".join(self._text))
            self._in = None
        if self._open_figure and self._open_figure[1] == self._depth:
            self.figure_texts[self._open_figure[0]] = " ".join("".join(self._text).split())
            self._open_figure = None
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in or self._open_figure:
            self._text.append(data)

    def figure_int(self, key: str) -> int:
        return int(self.figures[key])

    def chart_data(self, chart_id: str) -> list[dict]:
        """The traces a chart's script draws (the JSON passed to Plotly.newPlot)."""
        call = re.compile(r'Plotly\.newPlot\(\s*"' + re.escape(chart_id) + r'",\s*')
        for script in self.scripts:
            match = call.search(script)
            if match:
                data, _ = json.JSONDecoder().raw_decode(script, match.end())
                return data
        raise AssertionError(f"no chart {chart_id} on the page")


def write_report(project: Project, out: Path) -> tuple[subprocess.CompletedProcess, Page, str]:
    result = project.script("report.py", "--out", str(out))
    html = (out / "report.html").read_text(encoding="utf-8")
    return result, Page(html), html


def copy_of(project: Project, workdir: Path) -> Project:
    """A project on a copy of ``project``'s warehouse (what a test changes, the module's fixture never sees)."""
    workdir.mkdir(parents=True, exist_ok=True)
    copy = Project(workdir)
    shutil.copy(project.warehouse, copy.warehouse)
    return copy


@pytest.fixture(scope="module")
def demo_report(demo_project: Project, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Page, str]:
    """The report of the freshly built demo (no sync yet): the command's output, the parsed page, its HTML."""
    result, page, html = write_report(demo_project, tmp_path_factory.mktemp("report"))
    return result.stdout, page, html


def segment_names(project: Project) -> list[str]:
    return [row[0] for row in project.query(
        "select distinct segment_name from segments.segment_definitions order by 1")]


def expected_figures(project: Project) -> dict[str, int]:
    """The report's figures computed here, straight from the warehouse's public models."""
    q = project.query
    expected = {
        "segments": len(segment_names(project)),
        "persons": q("select count(*) from marts.dim_persons")[0][0],
        "person_records": q("select count(*) from marts.person_identity_map")[0][0],
        "accounts": q("select count(*) from marts.dim_accounts")[0][0],
        "source_accounts": q("select count(*) from marts.account_identity_map")[0][0],
        "dq.issues": q("select coalesce(sum(issue_count), 0) from marts.data_quality_summary")[0][0],
        "dq.quarantined": q("select coalesce(sum(issue_count), 0) from marts.data_quality_summary "
                            "where disposition = 'quarantined'")[0][0],
        "dq.kept": q("select coalesce(sum(issue_count), 0) from marts.data_quality_summary "
                     "where disposition = 'kept'")[0][0],
    }
    for name, members, marketable, covered, qualified, holdout, suppressed, excluded, outranked in q(
            "select segment_name, members, marketable_members, accounts_covered, qualified, holdout_members, "
            "suppressed, excluded, outranked from segments.segment_summary where condition_order = 1"):
        key = f"segment.{name}"
        expected.update({f"{key}.members": members, f"{key}.size_now": members,
                         f"{key}.marketable_members": marketable, f"{key}.accounts_covered": covered,
                         f"{key}.qualified": qualified, f"{key}.holdout": holdout, f"{key}.suppressed": suppressed,
                         f"{key}.excluded": excluded, f"{key}.outranked": outranked,
                         f"{key}.people": 0, f"{key}.entered_last_run": 0, f"{key}.exited_last_run": 0})
    for name, people in q("select segment_name, count(*) from segments.segment_membership group by 1"):
        expected[f"segment.{name}.people"] = people
    for name, change, count in q("select segment_name, change_type, count(*) "
                                 "from segments.segment_membership_changes group by 1, 2"):
        expected[f"segment.{name}.{change}_last_run"] = count
    for name, condition, candidates, passing in q(
            "select segment_name, condition_name, candidates, candidates_passing from segments.segment_summary"):
        expected[f"segment.{name}.condition.{condition}.candidates"] = candidates
        expected[f"segment.{name}.condition.{condition}.passing"] = passing
    for segment_a, segment_b, shared in q(
            "select segment_a, segment_b, shared_members from segments.segment_overlap where shared_members > 0"):
        expected[f"overlap.{segment_a}.{segment_b}"] = shared
    for system, table, reason, disposition, count in q(
            "select source_system, table_name, reason, disposition, issue_count from marts.data_quality_summary"):
        expected[f"dq.issue.{system}.{table}.{reason}.{disposition}"] = count
    for system, table, *counts in q(
            "select source_system, table_name, raw_rows, staged_rows, quarantined_rows, dropped_deleted_rows, "
            "dropped_history_rows from marts.data_quality_row_counts"):
        for column, count in zip(("raw", "staged", "quarantined", "dropped_deleted", "dropped_history"), counts):
            expected[f"dq.rows.{system}.{table}.{column}"] = count
    for records, persons in q("select records, count(*) from (select person_id, count(*) as records "
                              "from marts.person_identity_map group by 1) group by 1"):
        expected[f"identity.records_per_person.{records}"] = persons
    for records, accounts in q("select records, count(*) from (select account_id, count(*) as records "
                               "from marts.account_identity_map group by 1) group by 1"):
        expected[f"identity.records_per_account.{records}"] = accounts
    return expected


def test_the_report_is_one_page_that_needs_no_network(demo_report):
    # GIVEN the report of the demo
    stdout, page, html = demo_report

    # THEN the command says where it is
    assert re.match(r"report: .*report\.html \(", stdout)
    # THEN nothing on the page points outside it: no address in a src, href or style sheet import, no font fetched
    external = [(tag, name, value) for tag, name, value in page.attributes
                if name in ("src", "href", "data", "action", "poster") and EXTERNAL.match(value)]
    assert external == []
    assert not any(re.search(r"@import|url\(\s*['\"]?(https?:)?//", style) for style in page.styles)
    assert not any(tag == "link" for tag, _, _ in page.attributes)
    assert not any(tag == "script" and name == "src" for tag, name, _ in page.attributes)
    # THEN plotly.js is inlined exactly once, and every chart is drawn with SVG trace types (no WebGL)
    assert len(PLOTLY_BANNER.findall(html)) == 1
    assert sum(bool(PLOTLY_BANNER.search(script)) for script in page.scripts) == 1
    trace_types = {trace["type"] for chart in page.charts for trace in page.chart_data(chart)}
    assert trace_types and trace_types <= SVG_TRACE_TYPES


def test_every_section_segment_and_chart_is_on_the_page(demo_project, demo_report):
    # GIVEN the report of the demo and the segments the warehouse declares
    _, page, _ = demo_report
    segments = segment_names(demo_project)
    with_events = [row[0] for row in demo_project.query(
        "select distinct segment_name from segments.segment_membership_events")]

    # THEN every section is there, one per segment, and each chart's container holds the div it is drawn into
    assert set(SECTIONS) <= page.ids
    assert {f"segment-{name}" for name in segments} <= page.ids
    expected_charts = {*ALWAYS_CHARTS, *(f"chart-funnel-{name}" for name in segments),
                       *(f"chart-changes-{name}" for name in with_events)}
    assert set(page.charts) == expected_charts
    assert expected_charts <= page.ids
    assert len(page.charts) == len(set(page.charts))


def test_the_page_figures_are_the_warehouse_numbers(demo_project, demo_report):
    # GIVEN the report of the demo
    _, page, _ = demo_report

    # WHEN its figures are compared with the same numbers computed from the warehouse
    expected = expected_figures(demo_project)

    # THEN each is there with the warehouse's value, its text the value as shown (thousands separators)
    assert {key: page.figure_int(key) for key in expected if key in page.figures} == expected
    assert set(expected) <= set(page.figures)
    assert {key for key in page.figures if key.startswith("segment.")} == {
        key for key in expected if key.startswith("segment.")}
    for key, value in page.figures.items():
        if value.lstrip("-").isdigit():
            assert page.figure_texts[key] == f"{int(value):,}", key
    # THEN the Townsend story: the upsell audience is p2 alone
    assert page.figure_int(f"segment.{SEGMENT}.members") == 1
    # THEN the as-of time is the traits', and the build is the newest run of the membership history
    (as_of_at, changed_at) = demo_project.query(
        "select (select max(as_of_at) from marts.person_traits), "
        "(select max(changed_at) from segments.segment_membership_events)")[0]
    assert page.figures["as_of_at"] == as_of_at.isoformat()
    assert page.figures["built_at"] == changed_at.isoformat()


def test_before_any_sync_the_report_says_so(demo_report):
    # GIVEN the demo, built, never synced
    _, page, html = demo_report

    # THEN the activation section says there was no sync yet, with no sync chart and no sync figures
    assert "No sync yet" in html
    assert "chart-syncs" not in page.charts
    assert not [key for key in page.figures if key.startswith("sync.")]


def test_after_a_sync_the_report_shows_its_run(demo_project, tmp_path):
    # GIVEN a copy of the demo whose upsell audience was synced to a csv file
    project = copy_of(demo_project, tmp_path / "synced")
    project.script("export_audience.py", "--segment", SEGMENT, "--format", "csv", "--out", str(tmp_path / "files"))

    # WHEN the report is written
    _, page, html = write_report(project, tmp_path / "out")

    # THEN it shows the run as the sync log has it: one member added, succeeded
    runs = project.query("select run_id, status, audience_count, added_count, removed_count, failed_count "
                         "from activation.activation_sync_runs")
    assert len(runs) == 1
    run_id, status, audience, added, removed, failed = runs[0]
    assert (status, audience, added) == ("succeeded", 1, 1)
    assert page.figures[f"sync.{run_id}.status"] == status
    assert [page.figure_int(f"sync.{run_id}.{name}") for name in ("audience", "added", "removed", "failed")] == [
        audience, added, removed, failed]
    assert page.figure_int("sync.runs") == 1 and page.figure_int("sync.alerts") == 0
    assert "chart-syncs" in page.charts and "No sync yet" not in html
    assert page.chart_data("chart-syncs")[0]["x"] == [1]  # the latest run's added members


def test_a_pipeline_cycle_with_report_refreshes_it_as_a_step(demo_project, tmp_path):
    # GIVEN a copy of the demo, an empty drop folder, and an as_of 40 days on: p2's visit has left the window
    project = copy_of(demo_project, tmp_path / "cycle")
    drop, out = tmp_path / "drop", tmp_path / "out"
    drop.mkdir()
    later = (date.today() + timedelta(days=40)).isoformat()

    # WHEN a cycle runs with --report
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "run_pipeline.py"), "--drop", str(drop), "--out", str(out),
         "--target-path", str(project.workdir / "target"), "--vars", json.dumps({"as_of": later}), "--report"],
        cwd=REPO_ROOT, env={k: v for k, v in project.env.items() if not k.startswith(("MARKETO_", "LINKEDIN_"))},
        capture_output=True, text=True,
    )

    # THEN the report is a step of the cycle's table, and the page is in --out
    assert result.returncode == 0, result.stdout + result.stderr
    step = [line.split() for line in result.stdout.splitlines() if line.split()[:1] == ["report"]]
    assert len(step) == 1 and step[0][1] == str(out / "report.html")
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    # THEN it shows this cycle: p2 exited the upsell audience (two runs in its history, the last one at 0 people),
    # and the syncs the cycle made
    assert page.figure_int(f"segment.{SEGMENT}.members") == 0
    assert page.figure_int(f"segment.{SEGMENT}.exited_last_run") == 1
    (size_trace,) = [trace for trace in page.chart_data("chart-segment-sizes") if trace["name"] == SEGMENT]
    assert size_trace["y"] == [1, 0]
    changes = page.chart_data(f"chart-changes-{SEGMENT}")
    assert [trace["name"] for trace in changes] == ["entered", "exited"] and changes[1]["y"] == [0, -1]
    synced = project.query("select count(*) from activation.activation_sync_runs")[0][0]
    assert synced > 0 and page.figure_int("sync.runs") == synced


@pytest.mark.parametrize("warehouse", [
    pytest.param("missing", id="no warehouse file"),
    pytest.param("empty", id="a warehouse never built"),
])
def test_a_warehouse_without_the_models_is_a_clear_error_and_a_failed_step(tmp_path, warehouse):
    # GIVEN no warehouse, or one that was never built
    path = tmp_path / "cdp.duckdb"
    if warehouse == "empty":
        duckdb.connect(str(path)).close()

    # WHEN the report command runs on it, and a cycle's report step
    result = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "report.py"), "--warehouse", str(path),
                             "--out", str(tmp_path / "out")], cwd=REPO_ROOT, capture_output=True, text=True)

    # THEN the command exits 1 with one line saying what to do, and the step fails with the pipeline's error
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "build it first" in result.stderr.lower()
    with pytest.raises(pipeline.PipelineError, match="report: .*build it first"):
        pipeline.refresh_report(str(path), str(tmp_path / "out"))
    assert not (tmp_path / "out" / "report.html").exists()
