"""Reusable pieces for browser tests: the app served on a real port, headless Chromium through Playwright's sync
API, a tablet-sized page, logging in, and screenshots in test-artifacts/ (gitignored).

Use in a test module::

    from tests.support.browser import chromium, live_server, tablet_page  # noqa: F401  (fixtures)
    from tests.support.browser import log_in, screenshot

    pytestmark = pytest.mark.browser

    def test_x(live_server, tablet_page, world):
        log_in(tablet_page, live_server.url, "dieutra")

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
            yield browser
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
