"""The enumerator's form at tablet size (768x1024), issue 13: missing answers marked only in the sections seen,
the server's refusal landing on its first section, a draft reopening where it stopped, the saved household
highlighted, dd/mm/yyyy dates whatever the browser's language, clearing an optional choice, 44 px targets."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import Submission
from tests.support.browser import TABLET, log_in, screenshot
from tests.support.fieldwork import ROUND_CODE

pytestmark = pytest.mark.browser

FORM_URL = f"/fieldwork/{ROUND_CODE}/HV1-001"
# Every control a finger presses; radios and checkboxes are pressed through their tile (label.choice).
CONTROLS = ("a[href], button, select, textarea, label.choice, "
            "input:not([type=hidden]):not([type=radio]):not([type=checkbox])")


def q(page, path):
    return page.locator("#q-" + re.sub(r"[\[\].]+", "-", path).strip("-"))


def progress(page):
    return page.locator("[data-progress-text]").inner_text()


def open_form(page, base_url):
    log_in(page, base_url, "dieutra")
    page.goto(base_url + FORM_URL)
    page.wait_for_selector("#questionnaire.is-paged")


def fill_general_section(page):
    q(page, "ngay_khao_sat").locator("input").fill("10/03/2025")
    q(page, "nguoi_tra_loi").locator("input").fill("Đinh Văn Ằm")
    for path, value in (("khu_vuc", "nong_thon"), ("dan_toc_chu_ho", "xo_dang"), ("tinh_trang_dau_nam", "ngheo")):
        q(page, path).locator(f"input[value='{value}']").check()
    q(page, "so_thanh_vien").locator("input").fill("1")


def red_questions(page):
    """The ids of the questions marked red, by section."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.q.has-error, .repeat-row.has-error'))
        .map(el => el.closest('section.form-section').dataset.section)""")


def post_submit_past_the_browser(page):
    """Post "Gửi phiếu" without the runtime's checks, as a device with an old page would."""
    page.evaluate("""() => {
        const form = document.getElementById('questionnaire');
        const action = document.createElement('input');
        action.type = 'hidden'; action.name = 'submission-action'; action.value = 'submit';
        form.appendChild(action);
        HTMLFormElement.prototype.submit.call(form);
    }""")


def mark(page, section):
    return page.locator(f"[data-goto-section='{section}']")


def test_an_early_submit_marks_only_the_sections_seen(live_server, tablet_page, campaign, tmp_path):
    page = tablet_page
    open_form(page, live_server.url)
    q(page, "nguoi_tra_loi").locator("input").fill("Đinh Văn Ằm")
    page.get_by_role("button", name="Gửi phiếu").click()

    # Section 1 (the one read) shows its missing answers; the seven others are not red but "chưa xem".
    assert progress(page) == "Phần 1/8" and FORM_URL in page.url  # nothing posted
    assert set(red_questions(page)) == {"thong_tin_chung"}
    assert "là bắt buộc" in q(page, "khu_vuc").locator("[data-error]").inner_text()
    assert page.locator("[data-section-marks]").is_visible()
    assert "lỗi" in mark(page, "thong_tin_chung").inner_text()
    for section in ("tuyen_truyen", "nep_nghi", "ket_qua_ra_soat"):
        assert "chưa xem" in mark(page, section).inner_text()
        assert "mark-unseen" in mark(page, section).get_attribute("class")
    shot = tmp_path / "early-submit.png"
    page.screenshot(path=str(shot))
    screenshot(page, "fieldwork-form-early-submit")
    assert shot.stat().st_size > 10_000

    # Section 1 complete: a second tap stays, says which sections are unseen; nothing red anywhere.
    fill_general_section(page)
    page.get_by_role("button", name="Gửi phiếu").click()
    assert progress(page) == "Phần 1/8" and red_questions(page) == []
    message = page.locator("[data-client-errors]")
    assert message.is_visible() and "chưa xem" in message.inner_text() and "3" in message.inner_text()
    assert "xong" in mark(page, "thong_tin_chung").inner_text()

    # Arriving at a section does not turn it red; leaving it unanswered does.
    page.click("[data-nav=next]")
    assert progress(page) == "Phần 2/8" and red_questions(page) == []
    page.click("[data-nav=next]")
    assert progress(page) == "Phần 3/8" and set(red_questions(page)) == {"thanh_vien_ho"}
    page.click("[data-nav=next]")
    assert "tuyen_truyen" in red_questions(page) and "nep_nghi" not in red_questions(page)
    assert "lỗi" in mark(page, "tuyen_truyen").inner_text() and "chưa xem" in mark(page, "nep_nghi").inner_text()
    mark(page, "tuyen_truyen").click()  # the marks move between sections
    assert progress(page) == "Phần 3/8"
    assert page.js_errors == []


def test_the_servers_refusal_shows_every_error_and_opens_at_the_first(live_server, tablet_page, campaign):
    page = tablet_page
    open_form(page, live_server.url)
    fill_general_section(page)
    post_submit_past_the_browser(page)
    page.wait_for_selector("#error-summary")
    page.wait_for_selector("#questionnaire.is-paged")
    # The members' section is the first with a refused answer; every section's errors are shown.
    assert progress(page) == "Phần 2/8"
    assert page.locator("#s-thanh_vien_ho").is_visible()
    red = set(red_questions(page))
    assert {"thanh_vien_ho", "nep_nghi", "dieu_kien_song"} <= red
    assert page.locator("#s-thanh_vien_ho .has-error").first.is_visible()
    assert page.js_errors == []


def test_a_draft_reopens_where_it_stopped_and_the_list_shows_the_household(live_server, tablet_page, campaign,
                                                                          world, session, monkeypatch):
    from survey_app.fieldwork import views
    from tests.support.factories import Factories

    Factories(session).household(world.areas["V1"], code="HV1-002", head_name="Y Blang")
    session.commit()
    monkeypatch.setattr(views, "HOUSEHOLDS_PER_PAGE", 1)  # HV1-002 is on page 2 of pages of one
    page = tablet_page
    log_in(page, live_server.url, "dieutra")
    page.goto(f"{live_server.url}/fieldwork/{ROUND_CODE}/HV1-002")
    page.wait_for_selector("#questionnaire.is-paged")
    fill_general_section(page)
    for _ in range(3):
        page.click("[data-nav=next]")
    assert progress(page) == "Phần 4/8"
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round=.*#hh-HV1-002$"))
    card = page.locator("#hh-HV1-002")
    assert "is-saved" in card.get_attribute("class") and card.is_visible()
    assert page.locator(".household-card").count() == 1  # the page of that household, not page 1
    box = card.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= TABLET["height"]  # scrolled to
    screenshot(page, "fieldwork-home-saved-highlighted")
    session.rollback()
    assert session.scalar(select(Submission)).draft_section == "nep_nghi"

    card.locator("a", has_text="Tiếp tục").click()
    page.wait_for_selector("#questionnaire.is-paged")
    assert progress(page) == "Phần 4/8"  # where the enumerator stopped
    assert q(page, "ngay_khao_sat").locator("input").input_value() == "10/03/2025"
    page.get_by_role("button", name="Gửi phiếu").click()  # sections 1-4 seen: theirs are red, not the later ones
    assert set(red_questions(page)) == {"thanh_vien_ho", "tuyen_truyen", "nep_nghi"}
    assert progress(page) == "Phần 2/8"  # the first of them
    assert "chưa xem" in mark(page, "dieu_kien_song").inner_text()
    assert page.js_errors == []


def test_dates_are_dd_mm_yyyy_on_an_english_tablet(live_server, chromium, campaign, session):
    context = chromium.new_context(viewport=TABLET, locale="en-US", has_touch=True)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        open_form(page, live_server.url)
        box = q(page, "ngay_khao_sat").locator("input")
        assert box.get_attribute("type") == "text" and box.get_attribute("placeholder") == "dd/mm/yyyy"
        box.click()
        page.keyboard.type("31022025")
        assert box.input_value() == "31/02/2025"
        line = q(page, "ngay_khao_sat").locator("[data-error]")
        assert line.is_visible() and line.inner_text() == "Không có ngày 31/02/2025 trong lịch"
        box.fill("")
        box.click()
        page.keyboard.type("1003202")
        assert "ghi ngày/tháng/năm (31/12/2025)" in line.inner_text()  # the server's message
        page.keyboard.type("5")
        assert box.input_value() == "10/03/2025" and not line.is_visible()
        page.get_by_role("button", name="Lưu nháp").click()
        page.wait_for_url(re.compile(r"/fieldwork/\?round="))
        assert errors == []
    finally:
        context.close()
    session.rollback()
    assert session.scalar(select(Submission)).answers["ngay_khao_sat"] == "2025-03-10"  # stored ISO


def test_an_optional_single_choice_can_be_cleared(live_server, tablet_page, campaign, session):
    page = tablet_page
    open_form(page, live_server.url)
    page.locator("[data-goto-section]").first.wait_for(state="attached")
    page.evaluate("() => window.surveyForm.gotoSection('ket_qua_ra_soat')")
    question = q(page, "tinh_trang_cuoi_nam")
    clear = question.get_by_role("button", name="Bỏ chọn")
    assert not clear.is_visible()  # nothing to clear yet
    question.locator("label.choice").first.click()
    assert clear.is_visible() and clear.bounding_box()["height"] >= 44
    clear.click()
    assert question.locator("input:checked").count() == 0 and not clear.is_visible()
    assert q(page, "khu_vuc").get_by_role("button", name="Bỏ chọn").count() == 0  # required: no clearing
    question.locator("label.choice").nth(1).click()
    clear.click()
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round="))
    session.rollback()
    assert "tinh_trang_cuoi_nam" not in session.scalar(select(Submission)).answers
    assert page.js_errors == []


def small_controls(page):
    return page.evaluate("""(selector) => Array.from(document.querySelectorAll(selector))
        .filter(el => el.offsetParent !== null && !el.closest('label.choice, template'))
        .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && (r.width < 44 || r.height < 44))
        .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)""", CONTROLS)


def scrolls_sideways(page):
    return page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")


def test_every_control_of_the_fieldwork_pages_is_44_px_and_nothing_scrolls_sideways(
        live_server, tablet_page, campaign):
    page = tablet_page
    log_in(page, live_server.url, "dieutra")
    pages = {"home": "/fieldwork/", "new": f"/fieldwork/new-household?round={ROUND_CODE}", "form": FORM_URL}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state()
        assert small_controls(page) == [], name
        assert not scrolls_sideways(page), name
    # The form after a submit attempt (the section marks) and after the server's refusal (the error summary).
    page.get_by_role("button", name="Gửi phiếu").click()
    assert small_controls(page) == [] and not scrolls_sideways(page)
    post_submit_past_the_browser(page)
    page.wait_for_selector("#error-summary")
    assert small_controls(page) == [] and not scrolls_sideways(page)
    screenshot(page, "fieldwork-form-refused")
    assert page.js_errors == []
