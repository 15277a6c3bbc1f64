"""The README's picture of the trained models: docs/matching_weights.png, the match weight of each comparison level
(horizontal bars, like Splink's match_weights_chart), one panel per model, the prior on top.

Drawn with Plotly and photographed by Debian's headless Chromium (as `make report-screenshot` does): Splink's own
charts are Altair, whose PNG export would need another package (vl-convert). Null levels (a missing value) are
left out: their weight is 0 by definition.

    python -m cdp_dev.matching.chart [--out docs/matching_weights.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from cdp.warehouse.connection import PROJECT_ROOT
from cdp_dev.matching.comparisons import CHART, MODELS
from cdp_dev.matching.compile import model_dict, read_artefact

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WIDTH, ROW_HEIGHT, MARGIN_HEIGHT = 1100, 27, 150
# Weights beyond this are drawn to the edge (their value is written on the bar).
CLIP = 24.0
POSITIVE, NEGATIVE, NOT_ESTIMATED = "#2e8b57", "#c0392b", "#b0b0b0"


class ChartError(RuntimeError):
    pass


def _rows(compiled: dict[str, Any], not_estimated: set[tuple[str, str]]) -> list[tuple[str, float, str]]:
    """(label, weight, colour) from the top: the prior, then each comparison's non-null levels in order."""
    rows = [("prior (λ)", compiled["prior_match_weight"], NEGATIVE if compiled["prior_match_weight"] < 0
             else POSITIVE)]
    for comparison in compiled["comparisons"]:
        for level in comparison["levels"]:
            if level["is_null_level"]:
                continue
            weight = level["match_weight"]
            colour = (NOT_ESTIMATED if (comparison["name"], level["label"]) in not_estimated
                      else POSITIVE if weight >= 0 else NEGATIVE)
            rows.append((f"{comparison['name']}: {level['label']}", weight, colour))
    return rows


def weights_figure(artefacts: Sequence[dict[str, Any]]) -> go.Figure:
    """One panel per artefact, the levels on a shared axis (the models compare the same levels)."""
    panels = []
    for artefact in artefacts:
        compiled = model_dict(artefact)
        not_estimated = {(item["comparison"], item["level"])
                         for item in artefact["training"]["levels_not_estimated"]}
        panels.append((compiled, _rows(compiled, not_estimated)))
    labels = list(dict.fromkeys(label for _, rows in panels for label, _, _ in rows))
    figure = make_subplots(
        rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.04,
        subplot_titles=[f"<b>{compiled['name']}</b> · version {compiled['version']}" for compiled, _ in panels])
    for column, (compiled, rows) in enumerate(panels, start=1):
        figure.add_trace(go.Bar(
            y=[label for label, _, _ in rows], x=[max(-CLIP, min(CLIP, weight)) for _, weight, _ in rows],
            orientation="h", marker_color=[colour for _, _, colour in rows],
            text=["not estimated: 0" if colour == NOT_ESTIMATED else f"{weight:+.1f}" for _, weight, colour in rows],
            textposition=["outside" if colour == NOT_ESTIMATED else "auto" for _, _, colour in rows],
            cliponaxis=False, insidetextanchor="middle", textfont_size=11, showlegend=False), row=1, col=column)
        figure.update_xaxes(range=[-CLIP - 1, CLIP + 1], zeroline=True, zerolinecolor="#444", zerolinewidth=1,
                            gridcolor="#e5e5e5", title_text="match weight (log2 m/u)", title_font_size=12,
                            row=1, col=column)
    figure.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed", tickfont_size=12)
    figure.update_layout(
        title=dict(text="Trained match weights per comparison level (green: evidence for a match, red: against; "
                        f"grey: not estimated from the training data, weight 0; bars clipped at ±{CLIP:g})",
                   font_size=13, x=0.01),
        width=WIDTH, height=MARGIN_HEIGHT + ROW_HEIGHT * len(labels), margin=dict(l=140, r=20, t=80, b=50),
        plot_bgcolor="white", paper_bgcolor="white", bargap=0.25, font_family="DejaVu Sans, Arial, sans-serif")
    return figure


def figure_html(figure: go.Figure) -> str:
    """A page with the figure alone, plotly.js inlined: it opens with no network."""
    div = figure.to_html(include_plotlyjs=False, full_html=False, config={"staticPlot": True})
    return (f"<!doctype html><html><head><meta charset='utf-8'><script>{get_plotlyjs()}</script>"
            f"<style>body{{margin:0;background:white}}</style></head><body>{div}</body></html>")


def screenshot(html: str, out: Path, width: int, height: int) -> Path:
    """The page in Debian's headless Chromium (a throwaway profile, no network), saved as a PNG."""
    if not shutil.which(CHROMIUM):
        raise ChartError(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="matching-chart-") as work:
        page = Path(work) / "weights.html"
        page.write_text(html)
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", f"--user-data-dir={Path(work) / 'profile'}", "--virtual-time-budget=5000",
             f"--window-size={width},{height}", f"--screenshot={out}", page.as_uri()],
            capture_output=True, text=True, timeout=120)
        if result.returncode != 0 or not out.exists():
            raise ChartError(f"chromium failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return out


def write_chart(artefacts: Sequence[dict[str, Any]], out: Path = PROJECT_ROOT / CHART) -> Path:
    figure = weights_figure(artefacts)
    return screenshot(figure_html(figure), out, int(figure.layout.width), int(figure.layout.height))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cdp_dev.matching.chart",
                                     description="Draw the trained models' match weights as a PNG.")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / CHART, help="the PNG (default: %(default)s)")
    args = parser.parse_args(argv)
    artefacts = [read_artefact(model.artefact()) for model in MODELS.values() if model.artefact().exists()]
    if not artefacts:
        print("error: no trained artefact in matching/ (make train-matching)")
        return 1
    path = write_chart(artefacts, args.out)
    shown = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path
    print(f"wrote {shown} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
