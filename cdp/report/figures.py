"""The report's charts: Plotly figures of the aggregates cdp.report.queries read, each as an HTML fragment.

Every chart is an SVG chart type (bar, scatter, heatmap; never a WebGL one such as scattergl), sits in a div whose id
is stable (``chart-<what>``, e.g. ``chart-funnel-seg_new_product_upsell``) and carries no copy of plotly.js: the page
inlines the library once (cdp.report.page). A chart is made only when it has something to draw; the page says
in words when there is nothing (no issues, no sync yet).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import plotly.graph_objects as go
import plotly.io as pio

from cdp.report.queries import Activation, History, Identity, IssueCount, OverlapPair, RowCount, Segment

# The page's own look (cdp/report/report.css): the same font stack, muted axes, one colour per meaning.
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK, MUTED, GRID = "#1f2933", "#616e7c", "#e4e7eb"
BLUE, DARK_BLUE, GREEN, ORANGE, RED, GREY, PURPLE = (
    "#2f6fdf", "#1d3f8a", "#2e9e6a", "#e08a1e", "#d64545", "#9aa5b1", "#7b5bd6")
SERIES = ("#2f6fdf", "#2e9e6a", "#e08a1e", "#7b5bd6", "#d64545", "#1aa3b8", "#c2569b", "#6b8e23", "#8d6e63",
          "#546e7a")
TEMPLATE = go.layout.Template(layout={
    "font": {"family": FONT, "size": 12, "color": INK},
    "colorway": SERIES,
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
    "xaxis": {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True},
    "yaxis": {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True},
    "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    "hoverlabel": {"font": {"family": FONT}},
})
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
BUCKET_LABELS = {"run": "per run", "hour": "per hour", "day": "per day"}


@dataclass(frozen=True)
class Chart:
    """One chart of the page: its stable id, its HTML fragment (a div and the script that draws it)."""

    chart_id: str
    html: str


def to_chart(chart_id: str, figure: go.Figure, height: int) -> Chart:
    """The figure as an HTML fragment without plotly.js, drawn into the div ``chart_id``."""
    figure.update_layout(template=TEMPLATE, height=height, autosize=True)
    html = pio.to_html(figure, include_plotlyjs=False, full_html=False, div_id=chart_id, config=CONFIG,
                       default_width="100%", default_height=f"{height}px", validate=True)
    return Chart(chart_id, html)


def _whole_numbers(figure: go.Figure, largest: int, axis: str = "y") -> None:
    """Counts have no fractions: on a small scale, one tick per whole number."""
    if largest <= 10:
        figure.update_layout({f"{axis}axis": {"dtick": 1, "tick0": 0}})


def _bar_height(categories: int, minimum: int = 160, per_bar: int = 26) -> int:
    return max(minimum, 60 + per_bar * categories)


def segment_sizes(history: History, segments: Sequence[Segment]) -> Chart | None:
    """People per segment over time: a step line per segment from the history's buckets, from the window's start
    (the size then, when the segment existed before) to the newest run."""
    if history.newest_run is None:
        return None
    figure = go.Figure()
    for segment in segments:
        points = [point for point in history.points if point.segment == segment.name]
        xs, ys = [], []
        if segment.name in history.starting_sizes and history.since is not None:
            xs.append(history.since)
            ys.append(history.starting_sizes[segment.name])
        xs += [point.at for point in points]
        ys += [point.size for point in points]
        if not xs:
            continue
        if xs[-1] < history.newest_run:  # unchanged since its last change: the size holds up to the newest run
            xs.append(history.newest_run)
            ys.append(ys[-1])
        figure.add_trace(go.Scatter(x=xs, y=ys, name=segment.name, mode="lines+markers", line_shape="hv",
                                    hovertemplate="%{x}<br>%{y:,} people<extra>" + segment.name + "</extra>"))
    if not figure.data:
        return None
    first = min(min(trace.x) for trace in figure.data)
    padding = max((history.newest_run - first) * 0.04, timedelta(hours=12))
    figure.update_layout(
        yaxis_title="people", yaxis_rangemode="tozero", hovermode="closest",
        xaxis_range=[first - padding, history.newest_run + padding],
        legend={"orientation": "v", "yanchor": "top", "y": -0.12, "x": 0, "font": {"size": 11}},
    )
    _whole_numbers(figure, max(max(trace.y) for trace in figure.data))
    return to_chart("chart-segment-sizes", figure, 300 + 19 * len(figure.data))


def segment_members(segments: Sequence[Segment]) -> Chart | None:
    """Each segment's members now, in its grain (people, or accounts for an account segment), with the marketable
    people among them."""
    if not segments:
        return None
    labels = [segment.name + (" (accounts)" if segment.grain == "account" else "") for segment in segments]
    figure = go.Figure([
        go.Bar(y=labels, x=[segment.members for segment in segments], name="members", orientation="h",
               marker_color=BLUE, text=[f"{segment.members:,}" for segment in segments], textposition="outside",
               textangle=0, cliponaxis=False,
               hovertemplate="%{y}: %{x:,} members<extra></extra>"),
        go.Bar(y=labels, x=[segment.marketable_members for segment in segments], name="marketable people",
               orientation="h", marker_color=GREEN, hovertemplate="%{y}: %{x:,} marketable people<extra></extra>"),
    ])
    largest = max(max(segment.members, segment.marketable_members) for segment in segments)
    figure.update_layout(barmode="group", yaxis={"autorange": "reversed"}, margin={"t": 40}, bargap=0.25,
                         xaxis_range=[0, max(largest, 1) * 1.15])  # room for the labels outside the bars
    _whole_numbers(figure, largest, "x")
    return to_chart("chart-segment-members", figure, _bar_height(2 * len(segments), minimum=260, per_bar=16))


def segment_funnel(segment: Segment) -> Chart:
    """Which condition narrows the audience: the candidates, those passing each condition alone, those passing all
    (qualified), the members, and what the assignment took away (suppressed, and where declared, the holdout,
    excluded and outranked)."""
    unit = "accounts" if segment.grain == "account" else "people"
    bars: list[tuple[str, int, str]] = [("candidates", segment.candidates, GREY)]
    bars += [(f"passes {condition.name}", condition.passing, BLUE) for condition in segment.conditions]
    bars += [("qualified (every condition)", segment.qualified, DARK_BLUE), ("members", segment.members, GREEN)]
    bars += [(name, count, ORANGE) for name, count in segment.declared_assignments()]
    labels = [label for label, _, _ in bars]
    figure = go.Figure(go.Bar(
        x=[count for _, count, _ in bars], y=labels, orientation="h", marker_color=[color for _, _, color in bars],
        text=[f"{count:,}" for _, count, _ in bars], textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{x:,} " + unit + "<extra></extra>",
    ))
    figure.update_layout(yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
                         xaxis={"title": unit, "range": [0, max(1, segment.candidates) * 1.15]}, showlegend=False)
    _whole_numbers(figure, max(count for _, count, _ in bars), "x")
    return to_chart(f"chart-funnel-{segment.name}", figure, _bar_height(len(bars)))


def segment_changes(history: History, segment: Segment) -> Chart | None:
    """Who entered (up) and exited (down) the segment in each run (or hour, or day) of the window."""
    points = [point for point in history.points if point.segment == segment.name]
    if not points:
        return None
    # one run: a category axis (the run's time as text) keeps the bar from spanning an arbitrary time range
    xs: list = [point.at for point in points] if len(points) > 1 else [points[0].at.strftime("%Y-%m-%d %H:%M")]
    figure = go.Figure([
        go.Bar(x=xs, y=[point.entered for point in points], name="entered", marker_color=GREEN,
               hovertemplate="%{x}<br>%{y:,} entered<extra></extra>"),
        go.Bar(x=xs, y=[-point.exited for point in points], name="exited", marker_color=RED,
               customdata=[point.exited for point in points],
               hovertemplate="%{x}<br>%{customdata:,} exited<extra></extra>"),
    ])
    figure.update_layout(barmode="relative", yaxis_title=f"people {BUCKET_LABELS[history.bucket]}",
                         margin={"t": 40}, bargap=0.3)
    _whole_numbers(figure, max(max(point.entered, point.exited) for point in points))
    if len(xs) == 1:
        figure.update_xaxes(type="category")
    return to_chart(f"chart-changes-{segment.name}", figure, 220)


def overlap_heatmap(pairs: Sequence[OverlapPair], segments: Sequence[Segment]) -> Chart | None:
    """Members shared by each pair of segments: the cell of row A and column B is the share of A's members also in
    B (colour) and their number (text); the diagonal is each segment's members."""
    names = [segment.name for segment in segments]
    if len(names) < 2:
        return None
    index = {name: position for position, name in enumerate(names)}
    share = [[None] * len(names) for _ in names]
    shared = [[""] * len(names) for _ in names]
    for pair in pairs:
        if pair.segment_a in index and pair.segment_b in index:
            row, column = index[pair.segment_a], index[pair.segment_b]
            share[row][column] = pair.share_of_a if pair.members_a else 0.0
            shared[row][column] = f"{pair.shared:,}"
            if share[row][row] is None:
                share[row][row] = 1.0
                shared[row][row] = f"{pair.members_a:,}"
    figure = go.Figure(go.Heatmap(
        z=share, x=names, y=names, text=shared, texttemplate="%{text}", zmin=0, zmax=1,
        colorscale=[[0, "#f5f7fa"], [1, BLUE]], colorbar={"title": {"text": "share of row"}, "tickformat": ".0%"},
        hovertemplate="%{text} of %{y}'s members are in %{x}<br>(%{z:.0%} of %{y})<extra></extra>", xgap=2, ygap=2,
    ))
    figure.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": -30})
    return to_chart("chart-overlap", figure, max(320, 120 + 44 * len(names)))


def sync_results(activation: Activation) -> Chart | None:
    """The latest run of each destination: members added, removed and failed."""
    latest = activation.latest_runs()
    if not latest:
        return None
    labels = [f"{run.segment} → {run.destination} ({run.status})" for run in latest]
    figure = go.Figure([
        go.Bar(y=labels, x=[run.added or 0 for run in latest], name="added", orientation="h", marker_color=GREEN),
        go.Bar(y=labels, x=[run.removed or 0 for run in latest], name="removed", orientation="h",
               marker_color=ORANGE),
        go.Bar(y=labels, x=[run.failed or 0 for run in latest], name="failed", orientation="h", marker_color=RED),
    ])
    figure.update_layout(barmode="group", yaxis={"autorange": "reversed"}, xaxis_title="members",
                         margin={"t": 40})
    _whole_numbers(figure, max(max(run.added or 0, run.removed or 0, run.failed or 0) for run in latest), "x")
    return to_chart("chart-syncs", figure, _bar_height(3 * len(latest), minimum=200, per_bar=14))


def _compact(count: int) -> str:
    """A count in at most four characters: 950, 9.5k, 95k, 1.2M."""
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= limit:
            value = count / limit
            return f"{value:.1f}{suffix}" if value < 10 else f"{value:.0f}{suffix}"
    return str(count)


def issues_by_reason(issues: Sequence[IssueCount]) -> Chart | None:
    """Data quality issues by reason (rows, most frequent first) and raw table (columns): the number in each cell,
    the colour on a log scale (counts range from one to hundreds of thousands)."""
    if not issues:
        return None
    counts: dict[tuple[str, str], int] = {}
    for issue in issues:
        cell = (issue.reason, f"{issue.source_system}.{issue.table_name}")
        counts[cell] = counts.get(cell, 0) + issue.issues
    reasons = _by_total([reason for reason, _ in counts], counts, 0)
    tables = _by_total([table for _, table in counts], counts, 1)
    z = [[math.log10(counts[reason, table]) if counts.get((reason, table)) else None for table in tables]
         for reason in reasons]
    text = [[_compact(counts[reason, table]) if counts.get((reason, table)) else "" for table in tables]
            for reason in reasons]
    exact = [[counts.get((reason, table), 0) for table in tables] for reason in reasons]
    top = max(1.0, max(math.log10(count) for count in counts.values()))
    figure = go.Figure(go.Heatmap(
        z=z, x=tables, y=reasons, text=text, customdata=exact, texttemplate="%{text}", textfont={"size": 10},
        zmin=0, zmax=top, colorscale=[[0, "#fdf0d5"], [1, RED]], showscale=False, xgap=1, ygap=1,
        hovertemplate="%{y} in %{x}: %{customdata:,} issues<extra></extra>",
    ))
    figure.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": -40, "side": "bottom"})
    return to_chart("chart-issues", figure, max(260, 150 + 24 * len(reasons)))


def _by_total(keys: list[str], counts: dict[tuple[str, str], int], position: int) -> list[str]:
    """The distinct keys, the largest total count first (then by name)."""
    totals: dict[str, int] = {}
    for cell, count in counts.items():
        totals[cell[position]] = totals.get(cell[position], 0) + count
    return sorted(set(keys), key=lambda key: (-totals[key], key))


def row_conservation(row_counts: Sequence[RowCount]) -> Chart | None:
    """Where each raw table's rows went, as shares of its raw rows: staged, quarantined, dropped (deleted in the
    source, earlier versions). Shares, because the tables' sizes differ by orders of magnitude; the counts are in
    the hover text and the table beside."""
    if not row_counts:
        return None
    labels = [f"{row.source_system}.{row.table_name}" for row in row_counts]
    parts = (("staged", "staged", GREEN), ("quarantined", "quarantined", ORANGE),
             ("dropped_deleted", "dropped: deleted", GREY), ("dropped_history", "dropped: earlier version", PURPLE))
    figure = go.Figure([
        go.Bar(y=labels, x=[getattr(row, attribute) for row in row_counts], name=name, orientation="h",
               marker_color=color, customdata=[row.raw for row in row_counts],
               hovertemplate="%{y}<br>" + name + ": %{x:,} of %{customdata:,} raw rows<extra></extra>")
        for attribute, name, color in parts
    ])
    figure.update_layout(barmode="stack", barnorm="percent", yaxis={"autorange": "reversed"},
                         xaxis={"title": "share of the raw rows (%)", "range": [0, 100]}, margin={"t": 40},
                         legend={"traceorder": "normal"})
    return to_chart("chart-row-counts", figure, _bar_height(len(labels), per_bar=20))


def size_distribution(chart_id: str, counts: Sequence[tuple[int, int]], unit: str, of: str) -> Chart | None:
    """How many ``of`` (persons, accounts) were unified from 1, 2, 3, ... source records."""
    if not counts:
        return None
    figure = go.Figure(go.Bar(
        x=[str(size) for size, _ in counts], y=[count for _, count in counts], marker_color=BLUE,
        text=[f"{count:,}" for _, count in counts], textposition="auto",
        hovertemplate="%{y:,} " + of + " from %{x} " + unit + "<extra></extra>",
    ))
    figure.update_layout(xaxis={"title": unit + f" per {of[:-1]}", "type": "category"}, yaxis_title=of)
    _whole_numbers(figure, max(count for _, count in counts))
    return to_chart(chart_id, figure, 260)


def categories(chart_id: str, counts: Sequence[tuple[str, int]], of: str, color: str = BLUE) -> Chart | None:
    """A horizontal bar per category (how records were joined, which systems), largest first."""
    if not counts:
        return None
    labels = [label for label, _ in counts]
    figure = go.Figure(go.Bar(
        y=labels, x=[count for _, count in counts], orientation="h", marker_color=color,
        text=[f"{count:,}" for _, count in counts], textposition="auto",
        hovertemplate="%{y}: %{x:,} " + of + "<extra></extra>",
    ))
    figure.update_layout(yaxis={"autorange": "reversed"}, xaxis_title=of)
    _whole_numbers(figure, max(count for _, count in counts), "x")
    return to_chart(chart_id, figure, _bar_height(len(labels)))


def identity_charts(identity: Identity) -> dict[str, Chart]:
    """The identity section's charts, by id."""
    made = [
        size_distribution("chart-records-per-person", identity.records_per_person, "records", "persons"),
        size_distribution("chart-records-per-account", identity.records_per_account, "source accounts", "accounts"),
        categories("chart-person-links", identity.person_links, "persons"),
        categories("chart-person-sources", identity.person_sources, "persons", PURPLE),
        categories("chart-account-methods", identity.account_methods, "accounts", GREEN),
    ]
    return {chart.chart_id: chart for chart in made if chart is not None}
