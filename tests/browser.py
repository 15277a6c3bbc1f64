"""Headless Chromium for the tests marked `browser`: open a local page, see what went wrong on it, look at it.

Debian's Chromium (/usr/bin/chromium, package chromium) driven by the Python playwright package, whose wheel carries
its driver: nothing downloads a browser. Every request that is not a local file or 127.0.0.1 is blocked and
recorded, so a test that finds none proves the page needs no network.

    with launch_browser() as browser:
        page = browser.open(path_or_local_url)
        assert page.problems() == []
        page.evaluate("document.title")
        page.screenshot(tmp_path / "page.png")
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:  # imported when a browser starts (launch_browser), so that a missing package is a clear failure
    from playwright.sync_api import Browser as Chromium
    from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("CDP_CHROMIUM", "/usr/bin/chromium"))
INSTALL_HINT = (
    "headless Chromium is needed by the tests marked browser: install Debian's package "
    "(`apt-get update && apt-get install -y chromium`, as .ci/run does) or point CDP_CHROMIUM at a Chromium binary; "
    "never `playwright install`"
)
# What Chromium must not do on a machine without network: background services, QUIC, component updates, sync.
# The host resolver answers "not found" for every name, so a request that escaped the blocking below still cannot
# leave the machine.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
LOCAL_HOSTS = {"127.0.0.1"}
# Schemes that never leave the page: inline data, objects the page made, the empty page.
INLINE_SCHEMES = {"data", "blob", "about"}
DEFAULT_TIMEOUT_MS = 30_000


def is_local(url: str) -> bool:
    """A file on this machine (file:///..., no host), a server on 127.0.0.1, or data the page holds itself."""
    parts = urlsplit(url)
    if parts.scheme in INLINE_SCHEMES:
        return True
    if parts.scheme == "file":
        return parts.hostname in (None, "")
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname in LOCAL_HOSTS


def page_url(target: Path | str) -> str:
    """The URL of a local file (a Path) or of a URL given as text."""
    return target.resolve().as_uri() if isinstance(target, Path) else target


@dataclass
class BrowserPage:
    """One opened page and what happened on it: console errors, uncaught errors, failed and blocked requests."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that went wrong, one line each; empty for a page that loaded cleanly with no network."""
        return (
            [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
            + [f"blocked (not local): {url}" for url in self.blocked_requests]
            + [f"request failed: {text}" for text in self.failed_requests]
        )

    def evaluate(self, script: str, arg: Any = None) -> Any:
        """The value of a JavaScript expression or function evaluated in the page (JSON-serialisable)."""
        return self.page.evaluate(script, arg)

    def wait_for(self, script: str, arg: Any = None, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Any:
        """Wait until a JavaScript expression or function returns a truthy value, and return it."""
        return self.page.wait_for_function(script, arg=arg, timeout=timeout_ms).json_value()

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the page at path (for a human to look at when a test fails)."""
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        """Close the page and its context."""
        self.page.context.close()


class Browser:
    """A launched headless Chromium; each page opens in a context of its own (no shared cookies or storage)."""

    def __init__(self, chromium: Chromium | None) -> None:
        self._chromium = chromium

    def open(self, target: Path | str, wait_until: str = "load", timeout_ms: int = DEFAULT_TIMEOUT_MS) -> BrowserPage:
        """Open a local file or a 127.0.0.1 URL, watching the page from its first request, and wait for it to load."""
        url = page_url(target)
        if not is_local(url):
            raise ValueError(f"the browser harness opens only local pages, not {url}")
        if self._chromium is None:
            raise RuntimeError("no browser was launched: use launch_browser() or the browser fixture")
        context = self._chromium.new_context()
        context.set_default_timeout(timeout_ms)
        opened = BrowserPage(page=context.new_page())
        watch(opened)
        opened.page.goto(url, wait_until=wait_until)
        return opened


def watch(opened: BrowserPage) -> None:
    """Record the page's requests, console errors, uncaught errors and failed requests; block what is not local."""
    page = opened.page

    def request(request: Any) -> None:
        opened.requests.append(request.url)
        if not is_local(request.url):
            opened.blocked_requests.append(request.url)

    def route(route: Any) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def request_failed(request: Any) -> None:
        if is_local(request.url):  # a blocked request is reported as blocked, not again as failed
            opened.failed_requests.append(f"{request.url} ({request.failure})")

    # Every request is seen (and counted as blocked when not local) even where routing cannot intercept it; the
    # host resolver rule in CHROMIUM_FLAGS keeps such a request from leaving the machine.
    page.on("request", request)
    page.route("**/*", route)
    page.on("requestfailed", request_failed)
    page.on("console", lambda message: message.type == "error" and opened.console_errors.append(message.text))
    page.on("pageerror", lambda error: opened.page_errors.append(str(error)))


def missing_browser() -> str | None:
    """Why the harness cannot run here (with how to fix it), or None when it can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM}: {INSTALL_HINT}"
    try:
        import playwright.sync_api  # noqa: F401  (the pinned package; its wheel carries the driver)
    except ImportError as error:
        return f"the playwright package is not installed ({error}): make install (requirements.txt pins it)"
    return None


@contextmanager
def launch_browser() -> Iterator[Browser]:
    """Start Debian's headless Chromium and close it at the end.

    Playwright starts it on a fresh, empty profile (--user-data-dir in a new temporary folder, removed on close).
    """
    problem = missing_browser()
    if problem:
        raise RuntimeError(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield Browser(chromium)
        finally:
            chromium.close()
