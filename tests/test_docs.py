"""The docs site (`make docs`) on a fresh demo warehouse, opened in headless Chromium with the network blocked: it
loads cleanly, its lineage graph leads from the raw tables to the upsell segment, and a public mart's columns are
described."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from pathlib import Path

import pytest

from browser import Browser, BrowserPage
from conftest import REPO_ROOT, Project

pytestmark = [pytest.mark.dbt, pytest.mark.browser]

SEGMENT = "model.cdp.seg_new_product_upsell"
VISITS_SOURCE = "source.cdp.marketo.activity_visit_webpage"
# What the lineage graph draws: cytoscape paints it on a canvas, so its nodes and edges are read from the graph the
# docs app rendered (its graph service's cytoscape instance), the visible ones only.
RENDERED_GRAPH = """() => {
    const cy = angular.element(document.body).injector().get('graph').graph_element;
    return {
        nodes: cy.nodes().filter(n => n.visible()).map(n => ({
            id: n.id(), resource_type: n.data('resource_type'), relation_name: n.data('relation_name') || null,
        })),
        edges: cy.edges().filter(e => e.visible()).map(e => [e.source().id(), e.target().id()]),
    };
}"""
COLUMN_ROWS = """() => Array.from(document.querySelectorAll('column-details tr.column-row')).map(row => {
    const cells = row.querySelectorAll('td');
    return [cells[0].textContent, cells[1].textContent, cells[2].textContent].map(t => t.replace(/\\s+/g, ' ').trim());
})"""


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Path, str]:
    """The demo built on a fresh warehouse, then what `make docs` runs: the project, its target folder, the output."""
    project = Project(tmp_path_factory.mktemp("docs"))
    project.dbt("build", "--full-refresh")
    project.dbt("docs", "generate", "--static")
    target = project.workdir / "target"
    finished = subprocess.run(
        [sys.executable, "-m", "cdp_dev.docs_site", str(target)],
        cwd=REPO_ROOT, env=project.env, capture_output=True, text=True,
    )
    if finished.returncode != 0:
        pytest.fail(f"cdp_dev.docs_site failed:\n{finished.stdout}\n{finished.stderr}")
    return project, target, finished.stdout


def open_docs(browser: Browser, target: Path, route: str) -> BrowserPage:
    """The docs page opened at one of its app routes (#!/model/<unique_id>, ...)."""
    return browser.open(f"{(target / 'static_index.html').resolve().as_uri()}#!/{route}")


def shortest_path(edges: list[list[str]], start: str, end: str) -> list[str]:
    """The shortest path from start to end along the edges (parent to child); [] when there is none."""
    children: dict[str, list[str]] = {}
    for parent, child in edges:
        children.setdefault(parent, []).append(child)
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == end:
            path = [node]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for child in sorted(children.get(node, [])):
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return []


def test_make_docs_prints_a_page_that_loads_with_no_errors_and_no_network(docs, browser):
    # GIVEN the docs site built as `make docs` builds it, which prints the page's path
    _, target, output = docs
    page_path = Path(output.strip().splitlines()[-1])
    assert page_path == (target / "static_index.html").resolve() and page_path.is_file()

    # WHEN the page is opened from disk, every request that is not a local file blocked, and the app has drawn
    page = browser.open(page_path)
    page.wait_for("() => document.querySelectorAll('.menu-node, .menu-tree').length > 0")
    page.page.wait_for_load_state("networkidle")

    # THEN nothing went wrong on it and it asked for nothing but itself
    assert page.problems() == []
    assert set(page.requests) == {page_path.as_uri()}


def test_the_lineage_of_the_upsell_segment_runs_from_the_raw_tables(docs, browser):
    # GIVEN the docs page at the upsell segment
    _, target, _ = docs
    page = open_docs(browser, target, f"model/{SEGMENT}")
    page.page.get_by_role("heading", name="seg_new_product_upsell").first.wait_for()

    # WHEN its lineage graph is opened and expanded to full screen, as a reader does
    page.page.get_by_title("View Lineage Graph").click()
    page.page.get_by_title("View Fullscreen").first.click()
    page.wait_for("() => angular.element(document.body).injector().get('graph').orientation === 'fullscreen'")
    graph = page.evaluate(RENDERED_GRAPH)

    # THEN the graph selects everything upstream and downstream of the segment
    assert page.page.locator("input[ng-model]").evaluate_all("inputs => inputs.map(i => i.value)")[0] == \
        "+seg_new_product_upsell+"
    nodes = {node["id"]: node for node in graph["nodes"]}
    # AND its upstream reaches the raw tables of all three systems, as sources
    raw_sources = {node_id for node_id, node in nodes.items() if node["resource_type"] == "source"}
    assert {VISITS_SOURCE, "source.cdp.salesforce.opportunity", "source.cdp.marketo.opportunity",
            "source.cdp.mdm.account_crosswalk"} <= raw_sources
    assert nodes[VISITS_SOURCE]["relation_name"] == '"cdp"."raw_marketo"."activity_visit_webpage"'
    # AND the web visits run from the raw table through staging and the marts into the segment
    path = shortest_path(graph["edges"], VISITS_SOURCE, SEGMENT)
    assert path == [VISITS_SOURCE, "model.cdp.base_marketo__web_visits", "model.cdp.stg_marketo__web_visits",
                    "model.cdp.fct_web_visits", SEGMENT]
    assert [nodes[node_id]["relation_name"].split(".")[1] for node_id in path] == \
        ['"raw_marketo"', '"staging"', '"staging"', '"marts"', '"segments"']
    # AND the MDM crosswalk that unifies Townsend reaches it through identity resolution (intermediate)
    crosswalk_path = shortest_path(graph["edges"], "source.cdp.mdm.account_crosswalk", SEGMENT)
    layers = [nodes[node_id]["relation_name"].split(".")[1].strip('"') for node_id in crosswalk_path]
    assert layers[0] == "raw_mdm" and layers[-1] == "segments"
    assert {"staging", "intermediate", "marts"} <= set(layers)
    assert page.problems() == []


def test_a_public_marts_columns_are_listed_with_their_types_and_descriptions(docs, browser):
    # GIVEN the documented columns of dim_accounts, a public mart
    _, target, _ = docs
    manifest = json.loads((target / "manifest.json").read_text())
    documented = {
        name: " ".join(column["description"].split())
        for name, column in manifest["nodes"]["model.cdp.dim_accounts"]["columns"].items()
    }

    # WHEN its page is opened in the docs
    page = open_docs(browser, target, "model/model.cdp.dim_accounts")
    page.page.locator("column-details tr.column-row").first.wait_for()
    rows = page.evaluate(COLUMN_ROWS)

    # THEN every column is listed with its warehouse type (from the catalog) and its description
    assert [name for name, _, _ in rows] == list(documented)
    for name, data_type, description in rows:
        assert data_type, f"{name} has no type: the catalog is missing"
        assert description == documented[name] and len(description.split()) > 2, name
    assert dict((name, kind) for name, kind, _ in rows)["won_revenue_usd"].startswith("DECIMAL")
    assert page.problems() == []
