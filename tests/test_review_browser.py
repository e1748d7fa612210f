"""The review cycle in headless Chromium at tablet size: the enumerator submits, the supervisor returns it with a
comment, the enumerator sees the comment, edits and resubmits, the supervisor sees the diff and approves."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import AuditEntry, Submission
from tests.support.browser import TABLET, log_in, screenshot
from tests.support.review import small_round

pytestmark = pytest.mark.browser


@pytest.fixture
def review_round(world, session):
    survey_round = small_round(session)
    session.commit()
    return survey_round


def _supervisor_page(chromium):
    context = chromium.new_context(viewport=TABLET, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", has_touch=True)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _answer(page, so_nguoi: str):
    page.locator("#q-so_nguoi input").fill(so_nguoi)
    page.locator("#q-co_vay input[value='khong']").check()
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round="))


def test_return_edit_resubmit_diff_approve(live_server, tablet_page, chromium, review_round, session):
    base = live_server.url
    enumerator = tablet_page
    log_in(enumerator, base, "dieutra")
    enumerator.goto(f"{base}/fieldwork/?round=R2024")
    enumerator.locator("[data-household='HV1-001'] a").click()
    _answer(enumerator, "4")
    assert "Đã gửi" in enumerator.locator("[data-household='HV1-001'] .badge").inner_text()

    context, supervisor = _supervisor_page(chromium)
    try:
        log_in(supervisor, base, "giamsat")
        supervisor.goto(f"{base}/review/")
        row = supervisor.locator("#queue tbody tr", has_text="HV1-001")
        assert "Đã gửi" in row.inner_text()
        screenshot(supervisor, "review-queue")
        row.get_by_role("link").click()
        assert supervisor.locator("[data-path=so_nguoi] [data-answer]").inner_text() == "4"
        assert supervisor.locator("[data-path=co_vay] [data-answer]").inner_text() == "Không"
        supervisor.get_by_label("Trả lại cho điều tra viên").check()
        supervisor.locator("#decision-comment").fill("Hộ có 5 nhân khẩu theo sổ hộ khẩu, đề nghị kiểm tra lại.")
        supervisor.get_by_role("button", name="Ghi quyết định").click()
        supervisor.wait_for_load_state()
        assert "Bị trả lại" in supervisor.locator("#submission-state").inner_text()
        screenshot(supervisor, "review-returned", full_page=True)

        enumerator.goto(f"{base}/fieldwork/?round=R2024")
        card = enumerator.locator("[data-household='HV1-001']")
        assert "Hộ có 5 nhân khẩu theo sổ hộ khẩu" in card.locator(".review-comment").inner_text()
        screenshot(enumerator, "review-enumerator-sees-comment")
        card.get_by_role("link", name="Sửa và gửi lại").click()
        _answer(enumerator, "5")
        assert "Đã sửa, gửi lại" in enumerator.locator("[data-household='HV1-001'] .badge").inner_text()

        supervisor.goto(f"{base}/review/")
        supervisor.locator("#queue tbody tr", has_text="HV1-001").get_by_role("link").click()
        assert "Đã sửa, gửi lại" in supervisor.locator("#submission-state").inner_text()
        supervisor.locator("#show-diff").click()
        change = supervisor.locator("#diff tr[data-path=so_nguoi]")
        assert change.locator("td.old").inner_text() == "4" and change.locator("td.new").inner_text() == "5"
        assert supervisor.locator("#diff tbody tr").count() == 1
        screenshot(supervisor, "review-diff")
        supervisor.get_by_role("link", name=re.compile("Phiếu hộ HV1-001")).click()
        supervisor.get_by_label("Duyệt", exact=True).check()
        supervisor.get_by_role("button", name="Ghi quyết định").click()
        supervisor.wait_for_load_state()
        assert "Đã duyệt" in supervisor.locator("#submission-state").inner_text()
        thread = supervisor.locator("#thao-luan .thread").inner_text()
        assert "Hộ có 5 nhân khẩu" in thread and "Đã sửa, gửi lại → Đã duyệt" in thread
        assert enumerator.js_errors == []
    finally:
        context.close()

    session.rollback()
    submission = session.scalar(select(Submission))
    assert (submission.state, submission.version_number, submission.answers["so_nguoi"]) == ("approved", 2, 5)
    reviews = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.review")
                              .order_by(AuditEntry.id)).all()
    assert [(a.actor, a.before["state"], a.after["state"]) for a in reviews] == [
        ("giamsat", "submitted", "has_issues"), ("giamsat", "edited", "approved")]
