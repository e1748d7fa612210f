"""Reusable pieces for browser tests: the app served on a real port, headless Chromium through Playwright's sync
API, a tablet-sized page, logging in, and screenshots in test-artifacts/ (gitignored).

Use in a test module::

    from tests.support.browser import chromium, live_server, tablet_page  # noqa: F401  (fixtures)
    from tests.support.browser import log_in, screenshot

    pytestmark = pytest.mark.browser

    def test_x(live_server, tablet_page, world):
        log_in(tablet_page, live_server.url, "dieutra")

Every page of every context opened from the ``chromium`` fixture is watched for Content-Security-Policy
violations (the console message Chromium prints, and a ``securitypolicyviolation`` listener added before any page
script): a test that met one fails (the check runs after each test that used ``chromium``, from tests/conftest.py).

The server runs the test app (the ``app`` fixture of tests/conftest.py, so the same database the test sees);
after the browser changed data, call ``session.rollback()`` (or ``expire_all()``) before reading it in the test.
"""
from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 768, "height": 1024}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


CSP_MARK = "CSP-VIOLATION"
CSP_LISTENER = ("document.addEventListener('securitypolicyviolation', function (e) {"
                f" console.error('{CSP_MARK} ' + e.violatedDirective + ' ' + (e.blockedURI || '') + ' at '"
                " + (e.sourceFile || document.location.href) + ':' + e.lineNumber); });")


class CspWatchedBrowser:
    """A Playwright browser whose new contexts (and pages) record CSP violations in ``violations``."""

    def __init__(self, browser):
        self._browser = browser
        self.violations: list[str] = []

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _record(self, message) -> None:
        if CSP_MARK in message.text or "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._record)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()

    def take_violations(self) -> list[str]:
        for context in self._browser.contexts:  # deliver the console messages still on their way
            for page in context.pages:
                page.wait_for_timeout(20)
        found, self.violations = self.violations, []
        return found


def assert_no_csp_violations(browser: CspWatchedBrowser) -> None:
    found = browser.take_violations()
    assert not found, "Content-Security-Policy violations in the browser:\n" + "\n".join(found)


@dataclass
class LiveServer:
    url: str


@contextmanager
def serve(app) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 on a free port in a background thread for the duration of the block."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    with serve(app) as server:
        yield server


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per test module (skipped, with the reason, when it is not installed)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests need the Debian chromium package")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield CspWatchedBrowser(browser)
        finally:
            browser.close()


@pytest.fixture
def tablet_page(chromium):
    """A fresh browser context (own cookies and localStorage) with a 768x1024 touch screen, Vietnamese locale."""
    context = chromium.new_context(viewport=TABLET, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # tests assert this stays empty
    try:
        yield page
    finally:
        context.close()


def log_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, f"login as {username} failed"


def screenshot(page, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG in test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
