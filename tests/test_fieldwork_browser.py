"""The questionnaire in headless Chromium at tablet size (768x1024): one section per screen, skip rules,
constraint messages, calculations, draft and resume, the local backup, and the final submission as stored."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey_app.models import Submission
from tests.support.browser import log_in, screenshot
from tests.support.fieldwork import ROUND_CODE

pytestmark = pytest.mark.browser


def q(page, path):
    """The element of a question by answer path (`tuoi` or `thanh_vien[1].tuoi`)."""
    return page.locator("#q-" + re.sub(r"[\[\].]+", "-", path).strip("-"))


def pick(page, path, *values):
    for value in values:
        q(page, path).locator(f"input[value='{value}']").check()


def fill(page, path, text):
    q(page, path).locator("input, textarea").first.fill(text)


def progress(page):
    return page.locator("[data-progress-text]").inner_text()


def next_section(page):
    page.click("[data-nav=next]")


def test_enumerator_fills_a_household_section_by_section(live_server, tablet_page, campaign, session):
    page = tablet_page
    log_in(page, live_server.url, "dieutra")
    assert page.url.endswith("/fieldwork/")
    screenshot(page, "fieldwork-home")
    page.locator("[data-household='HV1-001'] a", has_text="Khảo sát").click()
    page.wait_for_selector("#questionnaire.is-paged")

    # The first screen: household particulars, progress, one section, the buttons.
    shot = screenshot(page, "fieldwork-form-first-screen")
    assert shot.stat().st_size > 10_000
    assert page.locator(".household-banner h1").inner_text().startswith("Đinh Văn Ằm")
    assert page.locator(".household-banner").is_visible()
    assert progress(page) == "Phần 1/8"
    assert page.locator("#s-thong_tin_chung").is_visible() and not page.locator("#s-thanh_vien_ho").is_visible()
    for name in ("Lưu nháp", "Gửi phiếu", "Phần sau ›"):
        assert page.get_by_role("button", name=name).is_visible()
    box = page.locator("#q-khu_vuc label.choice").first.bounding_box()
    assert box["height"] >= 48  # touch target
    assert page.locator(".form-bar").bounding_box()["y"] + 60 <= 1024  # the save bar is on screen

    # I. General information; the number of members makes the member rows.
    fill(page, "ngay_khao_sat", "2025-03-10")
    fill(page, "nguoi_tra_loi", "Đinh Văn Ằm")
    pick(page, "khu_vuc", "nong_thon")
    pick(page, "dan_toc_chu_ho", "xo_dang")
    pick(page, "tinh_trang_dau_nam", "ngheo")
    fill(page, "so_thanh_vien", "2")
    assert page.locator("[data-rows-for=thanh_vien] > .repeat-row:not(.row-surplus)").count() == 2
    next_section(page)

    # II. Members: a constraint message, skip rules hiding and showing questions, a calculation.
    assert progress(page) == "Phần 2/8"
    fill(page, "thanh_vien[0].ho_ten", "Đinh Văn Ằm")
    pick(page, "thanh_vien[0].gioi_tinh", "nam")
    fill(page, "thanh_vien[0].tuoi", "130")
    message = q(page, "thanh_vien[0].tuoi").locator("[data-error]")
    assert message.is_visible() and message.inner_text() == "Tuổi phải từ 0 đến 120"
    screenshot(page, "fieldwork-form-constraint")
    next_section(page)  # refused while the answer is invalid
    assert progress(page) == "Phần 2/8" and page.locator("[data-client-errors]").is_visible()
    fill(page, "thanh_vien[0].tuoi", "42")
    assert not message.is_visible() and not page.locator("[data-client-errors]").is_visible()
    assert q(page, "thanh_vien[0].trinh_do").is_visible()
    assert not q(page, "thanh_vien[0].di_hoc").is_visible() and not q(page, "thanh_vien[0].di_mau_giao").is_visible()
    pick(page, "thanh_vien[0].quan_he", "chu_ho")
    pick(page, "thanh_vien[0].trinh_do", "tieu_hoc")
    pick(page, "thanh_vien[0].bhyt", "co")
    pick(page, "thanh_vien[0].viec_lam", "tu_san_xuat")
    pick(page, "thanh_vien[0].mat_kha_nang_lao_dong", "khong")

    fill(page, "thanh_vien[1].ho_ten", "Y Hlin")
    pick(page, "thanh_vien[1].gioi_tinh", "nu")
    fill(page, "thanh_vien[1].tuoi", "4")
    assert q(page, "thanh_vien[1].di_mau_giao").is_visible() and not q(page, "thanh_vien[1].di_hoc").is_visible()
    pick(page, "thanh_vien[1].di_mau_giao", "co")
    fill(page, "thanh_vien[1].tuoi", "9")  # the kindergarten question hides, the school one shows
    assert not q(page, "thanh_vien[1].di_mau_giao").is_visible() and q(page, "thanh_vien[1].di_hoc").is_visible()
    assert q(page, "thanh_vien[1].di_mau_giao").locator("input").first.is_disabled()  # not posted
    assert not q(page, "thanh_vien[1].trinh_do").is_visible()
    pick(page, "thanh_vien[1].quan_he", "con")
    pick(page, "thanh_vien[1].di_hoc", "dung_cap")
    pick(page, "thanh_vien[1].bhyt", "co")
    pick(page, "thanh_vien[1].suy_dinh_duong", "khong")
    assert q(page, "so_tre_trong_do_tuoi_di_hoc").locator("[data-calc]").inner_text() == "1"
    assert "Y Hlin" in q(page, "thanh_vien[1]").locator(":scope > legend").inner_text()
    screenshot(page, "fieldwork-form-members")

    # Save a draft halfway, come back to it.
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round="))
    assert "Đã lưu nháp phiếu hộ HV1-001" in page.locator(".flash").first.inner_text()
    card = page.locator("[data-household='HV1-001']")
    assert "Bản nháp" in card.inner_text()
    card.locator("a", has_text="Tiếp tục").click()
    page.wait_for_selector("#questionnaire.is-paged")
    assert progress(page) == "Phần 2/8"  # the draft reopens where the enumerator stopped
    assert q(page, "nguoi_tra_loi").locator("input").input_value() == "Đinh Văn Ằm"
    assert q(page, "so_thanh_vien").locator("input").input_value() == "2"
    assert q(page, "thanh_vien[0].tuoi").locator("input").input_value() == "42"
    assert q(page, "thanh_vien[1].di_hoc").locator("input[value=dung_cap]").is_checked()
    next_section(page)

    # III. A select_multiple with an "other" follow-up; the draft on the device survives a reload before saving.
    assert progress(page) == "Phần 3/8"
    pick(page, "duoc_tuyen_truyen", "co")
    pick(page, "hinh_thuc_tuyen_truyen", "hop_thon", "khac")
    assert q(page, "hinh_thuc_khac").is_visible()
    q(page, "hinh_thuc_tuyen_truyen").locator("input[value=khac]").uncheck()
    assert not q(page, "hinh_thuc_khac").is_visible()
    pick(page, "hinh_thuc_tuyen_truyen", "den_nha")
    page.wait_for_timeout(500)  # the draft is written to IndexedDB 300 ms after the last change
    page.reload()
    page.wait_for_selector("#questionnaire[data-drafts-ready]")  # IndexedDB answers asynchronously
    assert page.locator("[data-restore-notice]").is_visible()
    assert progress(page) == "Phần 3/8"
    assert q(page, "hinh_thuc_tuyen_truyen").locator("input[value=den_nha]").is_checked()
    next_section(page)

    # IV. Customs; kham_chua_benh is left out on purpose for now.
    pick(page, "hu_tuc_con_duy_tri", "khong_con")
    pick(page, "phong_tuc_con_duy_tri", "tha_rong")
    pick(page, "tao_hon_trong_nam", "khong")
    pick(page, "can_huyet_trong_nam", "khong")
    pick(page, "tu_nguyen_thoat_ngheo", "khong")
    pick(page, "vay_von_san_xuat", "co")
    pick(page, "nguon_von_vay", "nhcsxh")
    pick(page, "tre_den_truong", "co")
    next_section(page)

    # V. Science and technology.
    pick(page, "tham_gia_tap_huan", "co")
    pick(page, "su_dung_giong_moi", "co")
    pick(page, "ky_thuat_ap_dung", "tiem_phong")
    pick(page, "chuyen_doi_cay_con", "khong")
    assert not q(page, "cay_con_chuyen_doi").is_visible()
    pick(page, "tiet_kiem_tai_dau_tu", "co")
    next_section(page)

    # VI. Living conditions, with a decimal written the Vietnamese way.
    fill(page, "thu_nhap_binh_quan_thang", "1.200.000")
    pick(page, "mo_hinh_on_dinh", "khong")
    pick(page, "loai_nha", "ban_kien_co")
    fill(page, "dien_tich_nha", "45,5")
    assert q(page, "dien_tich_binh_quan").locator("[data-calc]").inner_text() == "22,75"
    pick(page, "tai_san", "ti_vi", "xe_may")
    pick(page, "dien_thoai", "thong_minh")
    pick(page, "su_dung_internet", "co")
    pick(page, "nguon_nuoc", "gieng_khoan")
    pick(page, "nha_tieu", "tham_doi_nuoc")
    pick(page, "nguon_dien", "luoi_quoc_gia")
    next_section(page)

    # VII and VIII.
    pick(page, "tham_gia_to_hop_tac", "co")
    fill(page, "ten_to_hop_tac", "Tổ trồng sâm")
    pick(page, "tham_gia_htx", "khong")
    next_section(page)
    assert progress(page) == "Phần 8/8" and not page.locator("[data-nav=next]").is_visible()
    fill(page, "ghi_chu", "Hộ cần vay vốn nuôi bò")

    # Sending with a missing answer jumps back to it.
    page.get_by_role("button", name="Gửi phiếu").click()
    assert progress(page) == "Phần 4/8"
    missing = q(page, "kham_chua_benh").locator("[data-error]")
    assert missing.is_visible() and "là bắt buộc" in missing.inner_text()
    assert "/fieldwork/" + ROUND_CODE in page.url  # nothing was posted
    screenshot(page, "fieldwork-form-missing")
    pick(page, "kham_chua_benh", "co_so_y_te")
    assert not missing.is_visible()
    page.get_by_role("button", name="Gửi phiếu").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round="))
    assert "Đã gửi phiếu hộ HV1-001" in page.locator(".flash").first.inner_text()
    assert "Đã gửi" in page.locator("[data-household='HV1-001'] .badge").inner_text()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('survey-'))") == []
    screenshot(page, "fieldwork-home-after-submit")
    assert page.js_errors == []

    session.rollback()
    submission = session.scalar(select(Submission))
    assert submission.state == "submitted" and submission.household.code == "HV1-001"
    answers = submission.answers
    assert answers["nguoi_tra_loi"] == "Đinh Văn Ằm" and answers["so_thanh_vien"] == 2
    assert [(m["ho_ten"], m["tuoi"]) for m in answers["thanh_vien"]] == [("Đinh Văn Ằm", 42), ("Y Hlin", 9)]
    assert "di_mau_giao" not in answers["thanh_vien"][1]  # answered, then skipped: not kept
    assert answers["hinh_thuc_tuyen_truyen"] == ["hop_thon", "den_nha"] and "hinh_thuc_khac" not in answers
    assert answers["thu_nhap_binh_quan_thang"] == 1200000 and answers["dien_tich_nha"] == 45.5
    assert answers["dien_tich_binh_quan"] == 22.75 and answers["so_tre_trong_do_tuoi_di_hoc"] == 1
    assert answers["kham_chua_benh"] == "co_so_y_te" and answers["ghi_chu"] == "Hộ cần vay vốn nuôi bò"
    assert submission.started_at is not None and submission.finished_at is not None


def test_submitted_questionnaire_is_shown_read_only(live_server, tablet_page, campaign, session, world):
    from survey_app.submissions import SubmissionPayload, save_submission
    from tests.support.fieldwork import complete_answers

    save_submission(session, world.users["dieutra"], SubmissionPayload(
        uuid="0b5c3f1e-8d2a-4c67-9a51-3f0e6b7d2c10", household_code="HV1-001", round_code=ROUND_CODE,
        form_version=None, answers=complete_answers(), submit=True), today="2025-06-01")
    session.commit()
    page = tablet_page
    log_in(page, live_server.url, "dieutra")
    page.locator("[data-household='HV1-001'] a", has_text="Xem").click()
    page.wait_for_selector("#questionnaire.is-paged")
    assert page.get_by_role("button", name="Gửi phiếu").count() == 0
    assert q(page, "nguoi_tra_loi").locator("input").is_disabled()
    next_section(page)
    assert q(page, "thanh_vien[1].tuoi").locator("input").input_value() == "9"
    assert not q(page, "thanh_vien[1].trinh_do").is_visible()
    screenshot(page, "fieldwork-form-read-only")
    assert page.js_errors == []


def test_rows_added_and_removed_by_the_enumerator_and_drop_downs(live_server, tablet_page, world, session):
    from tests.support.fieldwork import make_small_round

    make_small_round(session)
    session.commit()
    page = tablet_page
    log_in(page, live_server.url, "dieutra")
    page.goto(f"{live_server.url}/fieldwork/KS-NHO/HV1-001")
    page.wait_for_selector("#questionnaire.is-paged")
    assert progress(page) == "Phần 1/1" and not page.locator("[data-nav=next]").is_visible()
    assert q(page, "data").locator("input").input_value() == "mặc định"
    assert q(page, "co_dinh").locator("input").get_attribute("readonly") is not None
    q(page, "gon").locator("select").select_option("khong")
    q(page, "dai").locator("select").select_option("11")
    add = page.get_by_role("button", name="+ Thêm người")
    for name in ("Y Một", "Y Hai", "Y Ba"):
        add.click()
        page.locator("[data-rows-for=nguoi] > .repeat-row").last.locator("input[name$='-ten']").fill(name)
    fill(page, "nguoi[2].luong", "1.500.000,5")
    pick(page, "nguoi[2].dong_y", "co")
    q(page, "nguoi[0]").get_by_role("button", name="Xóa").click()  # a filled row asks first
    assert page.locator("[data-rows-for=nguoi] > .repeat-row").count() == 3  # the dialog was dismissed
    page.once("dialog", lambda dialog: dialog.accept())
    q(page, "nguoi[0]").get_by_role("button", name="Xóa").click()
    rows = page.locator("[data-rows-for=nguoi] > .repeat-row")
    assert rows.count() == 2
    assert q(page, "nguoi[0]").locator("input[name='nguoi-0-ten']").input_value() == "Y Hai"  # renumbered
    assert q(page, "nguoi[1]").locator(":scope > legend").inner_text().startswith("Người 2")
    fill(page, "nguoi[1].luong", "abc")
    assert q(page, "nguoi[1].luong").locator("[data-error]").inner_text() == "Phải là số"
    fill(page, "nguoi[1].luong", "1.500.000,5")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/fieldwork/\?round="))
    assert page.js_errors == []

    session.rollback()
    answers = session.scalar(select(Submission)).answers
    assert answers["gon"] == "khong" and answers["dai"] == "11" and answers["co_dinh"] == 5
    assert answers["nguoi"] == [{"ten": "Y Hai"}, {"ten": "Y Ba", "dong_y": ["co"], "luong": 1500000.5}]


def test_without_javascript_every_section_shows_and_a_draft_saves(live_server, chromium, campaign, session):
    context = chromium.new_context(viewport={"width": 768, "height": 1024}, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, live_server.url, "dieutra")
        page.goto(f"{live_server.url}/fieldwork/{ROUND_CODE}/HV1-001")
        assert page.locator("section.form-section:visible").count() == 8
        assert not page.locator("[data-nav=next]").is_visible()
        fill(page, "nguoi_tra_loi", "Đinh Văn Ằm")
        pick(page, "khu_vuc", "nong_thon")
        fill(page, "so_thanh_vien", "3")
        page.get_by_role("button", name="Lưu nháp").click()
        page.wait_for_url(re.compile(r"/fieldwork/\?round="))
        page.goto(f"{live_server.url}/fieldwork/{ROUND_CODE}/HV1-001")
        assert page.locator("[data-rows-for=thanh_vien] > .repeat-row").count() == 3  # rows made by the server
    finally:
        context.close()
    session.rollback()
    answers = session.scalar(select(Submission)).answers
    assert answers["nguoi_tra_loi"] == "Đinh Văn Ằm" and len(answers["thanh_vien"]) == 3
