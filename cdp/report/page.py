"""The report as one self-contained HTML page: the template (page.html) with the project's CSS (report.css) and
plotly.js inlined, once, in the head; the charts of cdp.report.figures; every number also as text, in an element
with a stable key (``data-figure``) and its raw value (``data-value``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import jinja2
from plotly.offline import get_plotlyjs

from cdp.report import figures
from cdp.report.figures import Chart
from cdp.report.queries import HISTORY_DAYS, ReportData

HERE = Path(__file__).resolve().parent
TEMPLATE_FILE, CSS_FILE = "page.html", "report.css"


def format_number(value: object) -> str:
    """An integer with thousands separators; a missing value as a dash; anything else as text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (float, Decimal)):
        return f"{value:,.2f}"
    return str(value)


def format_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_time(value: datetime | None) -> str:
    """A warehouse timestamp (UTC, naive) to the minute."""
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The template environment: autoescaped HTML, the number and time filters."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True)
    env.filters.update(number=format_number, percent=format_percent, when=format_time, iso=iso)
    return env


def make_charts(data: ReportData) -> dict[str, Chart]:
    """Every chart the data has something for, by its id."""
    made: list[Chart | None] = [figures.segment_members(data.segments),
                                figures.segment_sizes(data.history, data.segments)]
    for segment in data.segments:
        made += [figures.segment_funnel(segment), figures.segment_changes(data.history, segment)]
    made += [
        figures.overlap_heatmap(data.overlap, data.segments),
        figures.sync_results(data.activation),
        figures.issues_by_reason(data.issues),
        figures.row_conservation(data.row_counts),
    ]
    charts = {chart.chart_id: chart for chart in made if chart is not None}
    charts.update(figures.identity_charts(data.identity))
    return charts


def render(data: ReportData, charts: dict[str, Chart], *, warehouse: str, generated_at: datetime) -> str:
    """The page's HTML."""
    return environment().get_template(TEMPLATE_FILE).render(
        css=(HERE / CSS_FILE).read_text(encoding="utf-8"),
        plotlyjs=get_plotlyjs(),
        charts=charts,
        times=data.times,
        segments=data.segments,
        history_days=HISTORY_DAYS,
        bucket_label=figures.BUCKET_LABELS[data.history.bucket],
        overlap=data.overlap,
        activation=data.activation,
        issues=data.issues,
        issue_total=sum(issue.issues for issue in data.issues),
        quarantined_total=sum(issue.issues for issue in data.issues if issue.disposition == "quarantined"),
        kept_total=sum(issue.issues for issue in data.issues if issue.disposition == "kept"),
        row_counts=data.row_counts,
        identity=data.identity,
        warehouse=warehouse,
        generated_at=generated_at,
    )
