"""The supervisor's pages on a 768x1024 tablet in Chromium: every interactive element is at least 44x44 px (a
checkbox counts by its label, the area a finger hits), no page scrolls sideways, the decision panel stays at the
top while the answers scroll, and the bulk bar counts the selection. Screenshots go to docs/screenshots/."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import log_in
from tests.test_access_matrix import surveyed  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
MIN_TARGET = 44

SMALL_TARGETS = """() => {
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(el).visibility !== 'hidden'; };
  const bad = [];
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary').forEach(el => {
    if (!shown(el)) { return; }
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      target = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]')) || el;
    }
    const r = target.getBoundingClientRect();
    if (r.width < %d || r.height < %d) {
      bad.push(el.tagName + ' "' + (el.textContent || el.name || '').trim().slice(0, 40) + '" '
               + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  });
  return bad;
}""" % (MIN_TARGET, MIN_TARGET)


def _check(page, name: str) -> None:
    assert page.evaluate(SMALL_TARGETS) == [], f"{name}: touch targets under {MIN_TARGET} px"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} scrolls sideways"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_supervisor_pages_at_tablet_size(live_server, tablet_page, surveyed):  # noqa: F811
    page, base = tablet_page, live_server.url
    log_in(page, base, "giamsat")

    page.goto(f"{base}/")
    assert "1 phiếu chờ duyệt" in page.locator("#cho-duyet").inner_text()
    _check(page, "home")
    _shot(page, "review-home")

    page.goto(f"{base}/review/?round=R2024")
    _check(page, "queue")
    assert page.locator("#bulk-approve").is_disabled()  # nothing picked yet
    page.locator("#queue .pick-target").first.click()  # the label is the tap area
    assert page.locator("#bulk-approve").inner_text() == "Duyệt 1 phiếu đã chọn"
    bar = page.locator("#bulk-bar").bounding_box()
    assert bar["y"] + bar["height"] <= 1024  # the bar is on screen
    _shot(page, "review-queue")
    page.locator("#queue-filters summary").click()
    assert page.locator("#f-round").is_visible()
    _check(page, "queue with filters open")

    page.locator("#bulk-approve").click()
    page.wait_for_url(f"{base}/review/bulk-approve")
    assert "HV1-001" in page.locator("#bulk-approvable").inner_text()
    _check(page, "bulk confirmation")
    _shot(page, "review-bulk-confirm")
    page.locator("#bulk-confirm").click()
    page.wait_for_load_state()
    assert page.locator("#bulk-undo").is_visible()
    _check(page, "queue after approval")
    page.locator("#bulk-undo").click()
    page.wait_for_load_state()
    assert "Đã hoàn tác" in page.inner_text("main")

    page.goto(f"{base}/review/{surveyed['in_uuid']}")
    _check(page, "submission")
    _shot(page, "review-submission-top")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 1500")
    panel = page.locator("#quyet-dinh").bounding_box()
    assert panel["y"] <= 1 and panel["height"] < 400  # held at the top, leaving room for the answers
    _shot(page, "review-submission-scrolled")

    for name, url in (("report", "/reports/R2024/V1"), ("household list", "/households/")):
        page.goto(base + url)
        _check(page, name)
    assert page.js_errors == []
