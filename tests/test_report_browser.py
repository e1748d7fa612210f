"""The report page in headless Chromium at tablet size (768x1024): the chart's labels, as the browser measures
them, stay inside the SVG; the wide area table says it scrolls sideways, scrolls inside its frame (never the
page) and keeps its first column in view."""
from __future__ import annotations

import pytest

from survey_app.reports.chart import LABEL_WIDTH
from tests.support.browser import log_in, screenshot
from tests.support.rollup import generate_small

pytestmark = pytest.mark.browser

LABEL_BOXES = """() => {
  const svg = document.querySelector('svg.report-chart');
  const [, , width, height] = svg.getAttribute('viewBox').split(' ').map(Number);
  const box = t => {
    const b = t.getBBox(); return {x: b.x, y: b.y, right: b.x + b.width, bottom: b.y + b.height, text: t.textContent};
  };
  return {width, height, boxes: [...svg.querySelectorAll('text.chart-label tspan')].map(box),
          texts: [...svg.querySelectorAll('text')].map(box)};
}"""


@pytest.fixture
def district(app, session, factories):
    generate_small(session, households=400, seed=11)
    factories.user("huyen", "viewer", "KT-KPL")
    session.commit()


def test_report_chart_labels_fit_and_the_wide_table_scrolls_in_its_frame(live_server, tablet_page, district):
    page = tablet_page
    log_in(page, live_server.url, "huyen")
    page.goto(f"{live_server.url}/reports/CVD-2025/KT-KPL")
    page.wait_for_selector("svg.report-chart")
    chart = page.evaluate(LABEL_BOXES)
    assert len(chart["boxes"]) > 8  # eight outcomes, the long ones on several lines
    for box in chart["boxes"]:
        assert box["x"] >= 0 and box["right"] <= LABEL_WIDTH, box
        assert box["y"] >= 0 and box["bottom"] <= chart["height"], box
    for box in chart["texts"]:  # the percentages and the axis too
        assert box["x"] >= 0 and box["right"] <= chart["width"] and box["bottom"] <= chart["height"], box
    screenshot(page, "report-page-768")
    page.locator("svg.report-chart").scroll_into_view_if_needed()
    screenshot(page, "report-page-768-chart")

    assert page.evaluate("document.documentElement.scrollWidth") <= 768  # the page never scrolls sideways
    hint = page.locator("#report-children-hint")
    assert hint.is_visible() and "ngang" in hint.inner_text()
    frame = page.locator(".table-scroll")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # the table is wider than its frame
    first = page.locator("#report-children tbody tr").first.locator("td").first
    frame.scroll_into_view_if_needed()
    left = frame.bounding_box()["x"]
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    page.wait_for_timeout(100)
    assert abs(first.bounding_box()["x"] - left) <= 2  # the area column stayed at the frame's left edge
    assert first.is_visible()
    screenshot(page, "report-page-768-table-scrolled")
