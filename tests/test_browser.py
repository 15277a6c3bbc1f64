"""The browser harness itself (tests/browser.py): it reports what goes wrong on a page and blocks, and reports, every
request that would leave the machine, so a clean report proves a page needs no network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

import browser as harness

PAGE_WITH_EVERY_PROBLEM = """<!doctype html>
<html><head>
<link rel="stylesheet" href="https://cdn.example.com/style.css">
<script src="//cdn.example.com/library.js"></script>
</head><body>
<img src="missing.png">
<script>
fetch("http://example.com/api").catch(() => { document.body.dataset.fetched = "refused"; });
console.error("an error the page logged");
</script>
<script>throw new Error("an error nobody caught");</script>
</body></html>
"""
CLEAN_PAGE = """<!doctype html>
<html><head><title>clean</title></head>
<body><h1>Townsend</h1><script>document.body.dataset.ready = "yes";</script></body></html>
"""


@pytest.mark.parametrize(
    ("url", "local"),
    [
        pytest.param("file:///tmp/page.html", True, id="local-file"),
        pytest.param("file://cdn.example.com/library.js", False, id="file-url-with-a-host"),
        pytest.param("http://127.0.0.1:8000/report", True, id="loopback"),
        pytest.param("ws://127.0.0.1:8000/live", True, id="loopback-websocket"),
        pytest.param("http://localhost:8000/report", False, id="localhost-by-name"),
        pytest.param("https://cdn.example.com/plotly.js", False, id="cdn"),
        pytest.param("https://fonts.googleapis.com/css?family=Inter", False, id="web-font"),
        pytest.param("data:image/png;base64,AAAA", True, id="inline-data"),
        pytest.param("blob:file:///0f2c", True, id="blob"),
        pytest.param("about:blank", True, id="blank"),
    ],
)
def test_only_local_files_loopback_and_inline_data_are_local(url, local):
    # GIVEN a request's URL  WHEN the harness judges it  THEN only what stays on this machine is local
    assert harness.is_local(url) is local


def test_a_missing_chromium_is_reported_with_how_to_install_it(monkeypatch, tmp_path):
    # GIVEN no Chromium where the harness looks
    monkeypatch.setattr(harness, "CHROMIUM", tmp_path / "no-chromium")

    # WHEN the harness checks whether it can run
    problem = harness.missing_browser()

    # THEN it says so, and how to install Debian's package
    assert problem is not None and "apt-get install -y chromium" in problem
    with pytest.raises(RuntimeError, match="apt-get install -y chromium"):
        with harness.launch_browser():
            pass


@pytest.mark.browser
def test_every_problem_on_a_page_is_reported_and_remote_requests_never_leave(browser, tmp_path):
    # GIVEN a local page that loads a stylesheet and a script from a CDN (one protocol-relative, which from a file
    # becomes a file:// URL with a host), fetches a remote API, logs an error, throws one, and misses an image
    page_path = tmp_path / "page.html"
    page_path.write_text(PAGE_WITH_EVERY_PROBLEM)

    # WHEN it is opened
    page = browser.open(page_path)
    page.wait_for("() => document.body.dataset.fetched")

    # THEN every remote request was blocked and reported, each once (in whatever order the browser made them), and
    # every other problem too
    assert sorted(page.blocked_requests) == [
        "file://cdn.example.com/library.js", "http://example.com/api", "https://cdn.example.com/style.css",
    ]
    assert "an error the page logged" in page.console_errors
    assert any("an error nobody caught" in error for error in page.page_errors)
    assert [failed.split(" ")[0] for failed in page.failed_requests] == [(tmp_path / "missing.png").as_uri()]
    problems = page.problems()
    assert sum(problem.startswith("blocked (not local)") for problem in problems) == 3


@pytest.mark.browser
def test_a_clean_local_page_reports_nothing_evaluates_and_screenshots(browser, tmp_path):
    # GIVEN a local page with no problem
    page_path = tmp_path / "clean.html"
    page_path.write_text(CLEAN_PAGE)

    # WHEN it is opened, evaluated and photographed
    page = browser.open(page_path)
    heading = page.evaluate("document.querySelector('h1').textContent")
    ready = page.wait_for("() => document.body.dataset.ready")
    screenshot = page.screenshot(tmp_path / "clean.png")

    # THEN nothing is reported, the page's values come back, and the screenshot is a PNG
    assert page.problems() == []
    assert page.requests == [page_path.as_uri()]
    assert (heading, ready) == ("Townsend", "yes")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def loopback_server() -> Iterator[HTTPServer]:
    """An HTTP server on 127.0.0.1 (the harness lets only that address through, not the name localhost)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.mark.browser
def test_a_page_served_on_loopback_loads_its_local_resources(browser, loopback_server: HTTPServer):
    # GIVEN a page served on 127.0.0.1 that loads a script from the same server
    httpserver = loopback_server
    httpserver.expect_request("/report").respond_with_data(
        '<!doctype html><script src="/app.js"></script>', content_type="text/html")
    httpserver.expect_request("/app.js").respond_with_data(
        "document.title = 'served';", content_type="text/javascript")

    # WHEN it is opened by its URL
    page = browser.open(httpserver.url_for("/report"))

    # THEN both requests went through and the script ran
    assert page.problems() == []
    assert page.evaluate("document.title") == "served"
    assert [url.split("/")[-1] for url in page.requests] == ["report", "app.js"]


def test_the_harness_refuses_to_open_a_remote_page():
    # GIVEN a harness (no browser is started for this)  WHEN asked to open a remote page  THEN it refuses
    with pytest.raises(ValueError, match="only local pages"):
        harness.Browser(chromium=None).open("https://example.com/")
