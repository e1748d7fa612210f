"""Words a commune clerk reads (issue 13, item 3): deprivation indicators are "Thiếu hụt / Không thiếu hụt" and
household categories "Thuộc diện …" on every page and paper, never "Đạt / Không đạt"; statuses in Vietnamese;
exports with labels and codes; the CSV for people with `;` and decimal commas, the one for machines with dots and
codes; report titles in sentence case without internal codes."""
from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey_app.core.formatting import sentence_case
from survey_app.core.scoring.verdicts import criterion_verdict, outcome_verdict, verdict_words
from survey_app.models import Submission
from survey_app.submissions.decisions import decide
from tests.conftest import login
from tests.support.pdf import have_poppler, pdf_text
from tests.test_household_outcomes import _scored_household

OLD_WORDS = re.compile(r"\b(Không đạt|Đạt)\b")
DEPRIVATION_LINE = re.compile(r"Thiếu hụt [a-zà-ỹ]")  # a deprivation indicator's label, not the verdict alone


def test_the_words_follow_the_label():
    assert verdict_words("Thiếu hụt dinh dưỡng: có trẻ dưới 16 tuổi bị suy dinh dưỡng") == ("Thiếu hụt",
                                                                                         "Không thiếu hụt")
    assert criterion_verdict("Thiếu hụt bảo hiểm y tế", False) == "Không thiếu hụt"
    assert criterion_verdict("Thiếu hụt từ 3 chỉ số trở lên", True) == "Thiếu hụt"
    assert criterion_verdict("Thiếu hụt dưới 3 chỉ số", True) == "Đúng"  # not "Thiếu hụt": it says the opposite
    assert criterion_verdict("Có ti vi", True) == "Đạt" and criterion_verdict("Có ti vi", None) == "Chưa xác định"
    assert outcome_verdict("Hộ nghèo (tính tạm theo chuẩn nghèo đa chiều)", "met") == "Thuộc diện hộ nghèo"
    assert outcome_verdict("Hộ cận nghèo (tính tạm)", "not_met") == "Không thuộc diện"
    assert outcome_verdict("Hộ có mức sống trung bình (tính tạm)", "met") == "Thuộc diện hộ có mức sống trung bình"
    assert outcome_verdict("Thoát nghèo", "met") == "Đạt"
    assert outcome_verdict("Thoát nghèo", "not_in_population") == "Không thuộc đối tượng"
    # a criterion is never a category: "Hộ được tuyên truyền …" is met or not
    assert criterion_verdict("Hộ được tuyên truyền, phổ biến nội dung Cuộc vận động", True) == "Đạt"


def test_sentence_case_capitalises_only_the_first_letter():
    assert sentence_case("huyện Kon Plông") == "Huyện Kon Plông"
    assert sentence_case("Đợt R2024") == "Đợt R2024" and sentence_case("") == ""


def _no_old_word_labels_deprivation(text: str) -> None:
    for line in text.splitlines():
        if DEPRIVATION_LINE.search(line):
            assert not OLD_WORDS.search(line), line


@pytest.fixture
def approved(client, world, session):
    household = _scored_household(session, world, "ngheo")
    submission = session.scalar(select(Submission).where(Submission.household_id == household.id))
    decide(session, world.users["giamsat"], submission, "approved")
    session.commit()
    return household, submission


def test_deprivation_reads_thieu_hut_on_the_household_and_review_pages(approved, client):
    household, submission = approved
    login(client, "giamsat")
    for path in (f"/households/{household.code}", f"/review/{submission.uuid}"):
        html = client.get(path).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", html)
        assert "Thiếu hụt" in text and "Không thiếu hụt" in text, path
        assert re.search(r"Thuộc diện hộ nghèo|Không thuộc diện", text), path
        assert not re.search(r"(Đạt|Không đạt)\s*[—:]\s*Thiếu hụt", text), path
        lines = [" ".join(line.split()) for line in html.split("</li>")]
        _no_old_word_labels_deprivation("\n".join(lines))


@pytest.mark.skipif(not have_poppler(), reason="poppler-utils (pdftotext) is not installed")
def test_the_printed_sheet_says_thieu_hut_not_dat(approved, client, tmp_path):
    household, _ = approved
    login(client, "giamsat")
    response = client.get(f"/households/{household.code}/sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    assert "Không thiếu hụt" in text and "Thiếu hụt" in text
    assert "Thuộc diện hộ nghèo" in text or "Không thuộc diện" in text
    assert "Đã duyệt" in text and "approved" not in text
    _no_old_word_labels_deprivation(text)


def _csv(client, path: str) -> list[list[str]]:
    body = client.get(path)
    assert body.status_code == 200
    text = body.get_data(as_text=True)
    if "dang=may" in path:
        assert not text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text)))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_exports_have_label_and_code_header_rows_and_vietnamese_values(approved, client):
    household, _ = approved
    login(client, "admin")
    people = _csv(client, "/reports/R2024/D1/ho.csv?ruleset=chuan_ngheo_quoc_gia")
    labels, codes, row = people[0], people[1], people[2]
    assert codes[:7] == ["household_code", "head_name", "ethnic_group", "village_code", "village", "state",
                         "in_population"]
    assert labels[:7] == ["Mã hộ", "Chủ hộ", "Dân tộc", "Mã thôn", "Thôn", "Trạng thái phiếu", "Thuộc đối tượng"]
    assert not any(label.startswith("[") for label in labels)
    dinh_duong = codes.index("thieu_hut_da_chieu.dinh_duong")
    assert labels[dinh_duong].startswith("Thiếu hụt dinh dưỡng")
    assert row[0] == household.code and row[5] == "Đã duyệt"
    assert row[dinh_duong] in ("Thiếu hụt", "Không thiếu hụt")
    assert row[codes.index("computed_poor")] in ("Thuộc diện hộ nghèo", "Không thuộc diện")
    assert not set(row) & {"approved", "met", "not_met", "not_in_population", "yes", "no"}
    deprivation = [i for i, label in enumerate(labels) if label.startswith("Thiếu hụt")]
    assert len(deprivation) >= 12
    assert {row[i] for i in deprivation} <= {"Thiếu hụt", "Không thiếu hụt", "Đúng", "Không đúng", "Chưa xác định"}
    # a criterion label two outcomes share says whose it is
    income = [labels[i] for i, code in enumerate(codes) if code.endswith(".thu_nhap")]
    assert len(income) == 2 and len(set(income)) == 2

    machine = _csv(client, "/reports/R2024/D1/ho.csv?ruleset=chuan_ngheo_quoc_gia&dang=may")
    assert machine[0] == codes and machine[1][5] == "approved"
    assert machine[1][dinh_duong] in ("yes", "no") and machine[1][codes.index("computed_poor")] in ("met", "not_met")

    workbook = load_workbook(io.BytesIO(client.get("/reports/R2024/D1/ho.xlsx?ruleset=chuan_ngheo_quoc_gia").data),
                             read_only=True)
    sheet, code_sheet = workbook.worksheets
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == labels and rows[1][5] == "Đã duyệt" and len(rows) == 2
    assert code_sheet.title == "Mã cột"
    assert [list(r) for r in code_sheet.iter_rows(values_only=True)][1:] == [
        [i, label, code] for i, (label, code) in enumerate(zip(labels, codes), start=1)]


def test_report_csv_decimal_commas_for_people_and_dots_for_machines(approved, client):
    login(client, "admin")
    people = _csv(client, "/reports/R2024/D1/bang.csv")
    machine = _csv(client, "/reports/R2024/D1/bang.csv?dang=may")
    labels, codes, total = people[0], people[1], people[2]
    assert machine[0] == codes and codes[:4] == ["area_code", "area_name", "area_level", "denominator"]
    assert labels[codes.index("informed.percent")] == "Được tuyên truyền, phổ biến nội dung Cuộc vận động — tỷ lệ (%)"
    for code in ("coverage_percent", "informed.percent", "mindset_changed.percent"):
        shown, plain = total[codes.index(code)], machine[1][codes.index(code)]
        assert re.fullmatch(r"\d+,\d", shown) and re.fullmatch(r"\d+\.\d", plain), (code, shown, plain)
        assert shown.replace(",", ".") == plain
    met = codes.index("informed.target_met")
    assert total[met] in ("Đạt", "Chưa đạt") and machine[1][met] in ("met", "not_met")


def test_report_titles_are_in_sentence_case_without_internal_codes(approved, client):
    login(client, "admin")
    html = client.get("/reports/R2024/D1").get_data(as_text=True)
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)[1]
    assert h1.startswith("Huyện Kon Plông — ")
    assert re.search(r"<h2>\s*Huyện Kon Plông: ", html)
    subtitle = re.search(r'<p class="muted" id="report-subtitle">(.*?)</p>', html, re.S)[1]
    assert "cuoc_van_dong" not in subtitle and "chuan_ngheo" not in subtitle
    assert "cuoc_van_dong" not in re.sub(r'(href|value)="[^"]*"', "", html)
    assert "CSV cho máy" in html and "dang=may" in html
    assert 'id="report-children-hint"' in html and "sticky-first" in html
