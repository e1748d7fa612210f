"""Household profile sheet PDF: content checked with pdftotext, access limits, hostile field data."""
from __future__ import annotations

import pytest

from survey_app.printing import STATIC_ROOT, StaticOnlyURLFetcher, make_print_environment, render_template_pdf
from survey_app.printing.sheet import sheet_context
from tests.conftest import login
from tests.support.pdf import have_poppler, pdf_pages, pdf_text
from tests.support.printing import PRINT_DAY, campaign_round, submit_household
from tests.support.surveys import complete_household_answers

pytestmark = pytest.mark.skipif(not have_poppler(), reason="poppler-utils (pdftotext) is not installed")


def render_sheet(session, household, **kwargs) -> bytes:
    context = sheet_context(session, household, today=PRINT_DAY, **kwargs)
    return render_template_pdf(make_print_environment(), "print/household_sheet.html", context, STATIC_ROOT)


def test_sheet_prints_header_answers_outcomes_and_signatures(world, session, tmp_path):
    survey_round = campaign_round(session)
    submit_household(session, world.users["dieutra"], world.households["in"], survey_round)
    session.commit()
    pdf = render_sheet(session, world.households["in"])
    text = pdf_text(pdf, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ MĂNG CÀNH" in text and "THÔN KON TU RẰNG 2" in text
    assert "HỒ SƠ HỘ GIA ĐÌNH" in text
    assert "Đinh Văn Ằm" in text
    # answers by section, with choice labels rather than codes and Vietnamese numbers
    assert "Được tuyên truyền" in text or "tuyên truyền" in text
    assert "Họp thôn, làng" in text and "hop_thon" not in text
    assert "1.200.000" in text
    assert "36,5" in text
    assert "Y Hmil" in text  # a member from the repeat
    # classification with criteria
    assert "Phân loại kết quả".upper() in text
    assert "Không đạt" in text or "Đạt" in text
    # history, review state, signatures with the place/date line
    assert "Hộ nghèo" in text
    assert "Đã gửi" in text
    assert "Măng Cành, ngày 08 tháng 02 năm 2023" in text
    for title in ("CHỦ HỘ", "NGƯỜI KHẢO", "TRƯỞNG THÔN", "XÁC NHẬN CỦA"):
        assert title in text
    # footer on every page: household code and page numbers
    pages = pdf_pages(pdf, tmp_path)
    assert text.count("Mã hộ: HV1-001") == pages
    assert f"Trang {pages}/{pages}" in text


HOSTILE = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.example/x.css"><b>Bơ</b>'


def test_hostile_field_data_prints_as_text_and_fetches_nothing(world, session, tmp_path):
    household = world.households["in"]
    household.head_name = HOSTILE
    household.address = "file:///etc/passwd"
    survey_round = campaign_round(session)
    answers = complete_household_answers()
    answers["thanh_vien"][1]["ho_ten"] = '<script>alert(1)</script><img src="/etc/passwd">'
    answers["ten_to_hop_tac"] = "<style>@import url(file:///etc/passwd);</style>"
    submit_household(session, world.users["dieutra"], household, survey_round, answers)
    session.commit()
    fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
    context = sheet_context(session, household, today=PRINT_DAY)
    pdf = render_template_pdf(make_print_environment(), "print/household_sheet.html", context, STATIC_ROOT,
                              url_fetcher=fetcher)
    text = pdf_text(pdf, tmp_path, layout=False)
    # Narrow cells wrap anywhere, so long values are checked by fragments that stay on one line.
    for needle in ('<img src="file:///etc/passwd">', 'href="http://evil.example/', "<b>Bơ</b>", "<script>alert(1)<",
                   "/script><img", "<style>@import url(file:///etc/", "file:///etc/passwd"):
        assert needle in text
    assert "root:x:0:0" not in text
    assert fetcher.refused == []  # nothing but our own assets was even asked for
    assert all(url.startswith("/static/") for url in fetcher.served)


def test_sheet_route_is_area_limited_and_defaults_to_latest_round(world, session, client, tmp_path):
    survey_round = campaign_round(session)
    submit_household(session, world.users["dieutra"], world.households["in"], survey_round)
    session.commit()
    login(client, "dieutra")
    response = client.get("/households/HV1-001/sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    assert "Đợt R2024" in text and "Họp thôn, làng" in text
    assert client.get("/households/HV1B-001/sheet.pdf").status_code == 404  # other village of the commune
    assert client.get("/households/HV2-001/sheet.pdf").status_code == 404
    assert client.get("/households/NOPE/sheet.pdf").status_code == 404
    assert client.get("/households/HV1-001/sheet.pdf?round=NOPE").status_code == 404


def test_sheet_without_submission_prints_register_and_history(world, session, client, tmp_path):
    login(client, "giamsat")  # supervisor of the commune: covers V1B
    response = client.get("/households/HV1B-001/sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "Y Nhung" in text and "Hộ cận nghèo" in text
    assert "Chưa khảo sát" in text
    assert "Chưa có kết quả phân loại" in text
