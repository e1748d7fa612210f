"""The strict Content-Security-Policy in Chromium: the shared browser support records every violation (and a test
that met one fails, tests/conftest.py), and the pages whose scripts and styles moved to static files still work
under the policy: the report (SVG chart, the round picker), the review queue (pick all), a print job's page."""
from __future__ import annotations

import pytest

from survey_app.security_headers import CONTENT_SECURITY_POLICY
from tests.support.browser import log_in
from tests.test_access_matrix import surveyed  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser


def test_a_violation_is_recorded(chromium, tablet_page):  # noqa: F811
    page = tablet_page
    page.route("http://csp.test/", lambda route: route.fulfill(
        status=200, content_type="text/html", headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
        body='<p style="color:red">x</p><button onclick="void 0">b</button><script>window.ran = 1</script>'))
    page.goto("http://csp.test/")
    page.locator("button").click()
    assert page.evaluate("window.ran") is None  # the inline script was blocked
    found = chromium.take_violations()  # taken here, so this test itself passes
    assert any("style-src-attr" in v for v in found), found
    assert any("script-src-elem" in v for v in found), found


def test_pages_work_under_the_policy(live_server, tablet_page, surveyed):  # noqa: F811
    page, base = tablet_page, live_server.url
    log_in(page, base, "admin")

    page.goto(f"{base}/reports/R2024/V1")
    assert page.locator("svg.report-chart rect").count() > 0
    assert page.locator("#round").get_attribute("data-navigate") is not None
    with page.expect_navigation():  # the round picker opens the chosen round's report (select_navigate.js)
        page.locator("#round").dispatch_event("change")
    assert page.url.endswith("/reports/R2024/V1")
    assert page.locator(".report-met, .report-missed, .report-ratio").first.evaluate(
        "el => getComputedStyle(el).whiteSpace") == "nowrap"  # the report's styles come from app.css

    page.goto(f"{base}/review/")
    boxes = page.locator('#queue input[name="uuid"]')
    assert boxes.count() >= 1
    page.locator("#pick-all").check()  # pick_all.js
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.locator("#pick-all").uncheck()
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))

    page.goto(f"{base}/paper/jobs/{surveyed['in_job']}")
    assert page.locator("#job-download").is_visible()
    assert page.locator("#job-bar").evaluate("el => getComputedStyle(el).height") == "28px"
    assert page.js_errors == []
