"""The audience report (make report) in headless Chromium (tests/browser.py): it opens with no console error, page
error or request leaving the file, every chart is drawn (an SVG with marks), and the numbers on screen are the
warehouse's. A screenshot of the first screen is kept with the test's files."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.dbt, pytest.mark.browser]

SEGMENT = "seg_new_product_upsell"
# For each chart container: how many SVG marks Plotly drew (bars, points or lines, heatmap cells).
CHARTS_DRAWN = """
() => [...document.querySelectorAll('[data-chart]')].map(container => ({
    id: container.dataset.chart,
    svgs: container.querySelectorAll('svg.main-svg').length,
    marks: container.querySelectorAll(
        'g.trace g.point path, g.trace path.js-line, g.trace path.point, g.hm image, g.heatmaplayer image'
    ).length,
}))
"""
FIGURE = "key => document.querySelector(`[data-figure='${key}']`)?.textContent.trim()"


@pytest.fixture(scope="module")
def report_page(demo_project, browser, tmp_path_factory: pytest.TempPathFactory):
    """The demo's report, written by the report command and opened in Chromium once, after its charts are drawn."""
    out = tmp_path_factory.mktemp("report")
    demo_project.script("report.py", "--out", str(out), "--warehouse", str(demo_project.warehouse))
    page = browser.open(out / "report.html")
    page.wait_for("() => document.querySelectorAll('[data-chart] svg.main-svg').length > 0")
    yield page, out
    page.close()


def test_the_report_opens_with_no_error_and_no_request_off_the_file(report_page):
    page, out = report_page
    # THEN nothing went wrong, and the page asked for nothing but itself
    assert page.problems() == []
    assert all(url.startswith("file://") for url in page.requests), page.requests
    page.screenshot(out / "report.png", full_page=False)
    assert (out / "report.png").stat().st_size > 10_000


def test_every_chart_is_drawn_with_marks(report_page):
    page, _ = report_page
    charts = page.evaluate(CHARTS_DRAWN)
    # THEN every chart container holds a Plotly SVG with at least one mark in it
    assert len(charts) >= 9, charts
    empty = [chart["id"] for chart in charts if chart["svgs"] == 0 or chart["marks"] == 0]
    assert empty == [], charts


def test_the_numbers_on_screen_are_the_warehouses(report_page, demo_project):
    page, _ = report_page
    # THEN the upsell audience's size on screen is the warehouse's (one member on the demo: p2)
    [(members,)] = demo_project.query(
        "select count(*) from segments.segment_membership where segment_name = ? and assignment = 'member'",
        [SEGMENT])
    assert members == 1
    assert page.evaluate(FIGURE, f"segment.{SEGMENT}.members") == str(members)
    # AND so is the number of persons
    [(persons,)] = demo_project.query("select count(*) from marts.dim_persons")
    assert page.evaluate(FIGURE, "persons") == f"{persons:,}"
