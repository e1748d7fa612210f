"""XLSForm import: a workbook written the way ODK/KoboToolbox authors write it, built here with openpyxl, read
with pyxform; what cannot be reproduced is refused row by row, or dropped and listed in a lenient import."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from survey_app.core.questionnaire import DefinitionError, definition_from_data, import_xlsform, validate_answers
from survey_app.core.questionnaire.xlsform_compare import definition_profile, pyxform_profile
from survey_app.core.questionnaire.xlsform_export import write_xlsform
from survey_app.core.questionnaire.xlsform_read import read_xlsform

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "xlsform-corpus"

SURVEY_HEADER = ["type", "name", "label::English (en)", "label::Vietnamese (vi)", "hint::Vietnamese (vi)",
                 "required", "relevant", "constraint", "constraint_message::Vietnamese (vi)", "calculation",
                 "repeat_count", "appearance", "media::image"]


def survey_row(kind, name="", en="", vi="", hint="", required="", relevant="", constraint="", message="",
               calculation="", repeat_count="", appearance="", image=""):
    return [kind, name, en, vi, hint, required, relevant, constraint, message, calculation, repeat_count,
            appearance, image]


KOBO_SURVEY = [
    survey_row("start", "start"),                                                                       # row 2
    survey_row("today", "today"),                                                                       # row 3
    survey_row("begin_group", "thong_tin", "Household", "I. Thông tin hộ"),                             # row 4
    survey_row("text", "ten_chu_ho", "Head of household", "Họ tên chủ hộ", required="yes"),            # row 5
    survey_row("integer", "so_nguoi", "Members", "Số người trong hộ", hint="Kể cả người đi làm xa",
               required="TRUE()", constraint=". >= 1 and . <= 30", message="Từ 1 đến 30 người"),      # row 6
    survey_row("select_multiple tai_san", "tai_san", "Assets", "Hộ có tài sản nào?",
               appearance="minimal"),                                                                   # row 7
    survey_row("begin group", "vay", "Loans", "Vay vốn", relevant="${so_nguoi} >= 2"),                  # row 8
    survey_row("select_one co_khong", "vay_von", "Loan?", "Hộ có vay vốn không?", required="yes"),     # row 9
    survey_row("decimal", "so_tien", "Amount", "Số tiền vay", relevant="${vay_von} = 'co'",
               constraint=". > 0"),                                                                     # row 10
    survey_row("end group"),                                                                            # row 11
    survey_row("geopoint", "vi_tri", "Location", "Vị trí nhà"),                                         # row 12
    survey_row("end_group"),                                                                            # row 13
    survey_row("begin repeat", "thanh_vien", "Members", "Thành viên hộ", repeat_count="${so_nguoi}"),  # row 14
    survey_row("text", "ho_ten", "Name", "Họ và tên", required="yes"),                                 # row 15
    survey_row("integer", "tuoi", "Age", "Tuổi", required="yes", constraint=". >= 0 and . <= 120",
               message="Tuổi từ 0 đến 120"),                                                            # row 16
    survey_row("select_one co_khong", "di_hoc", "At school", "Có đang đi học?",
               relevant="${tuoi} >= 6 and ${tuoi} <= 18"),                                              # row 17
    survey_row("image", "anh", "Photo", "Ảnh"),                                                         # row 18
    survey_row("end repeat"),                                                                           # row 19
    survey_row("calculate", "tong_tuoi", calculation="sum(${tuoi})"),                                  # row 20
    survey_row("calculate", "so_tre_di_hoc", calculation="count(${di_hoc})"),                          # row 21
    survey_row("note", "cam_on", "Thanks", "Cảm ơn hộ ${ten_chu_ho}",
               relevant="selected(${tai_san}, 'ti_vi')"),                                               # row 22
]

KOBO_CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Vietnamese (vi)"],
    ["co_khong", "co", "Yes", "Có"],
    ["co_khong", "khong", "No", "Không"],
    ["tai_san", "ti_vi", "TV", "Ti vi"],
    ["tai_san", "xe_may", "Motorbike", "Xe gắn máy"],
    ["tai_san", 3, "Other", "Khác"],
]


def write_workbook(path, survey_rows, choices=KOBO_CHOICES, settings=None, header=SURVEY_HEADER):
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(header)
    for row in survey_rows:
        survey.append(row)
    choice_sheet = workbook.create_sheet("choices")
    for row in choices:
        choice_sheet.append(row)
    settings_sheet = workbook.create_sheet("settings")
    for row in settings or [["form_id", "form_title", "version", "default_language"],
                            ["ho_gia_dinh_kobo", "Phiếu hộ (Kobo)", 2024052101, "Vietnamese (vi)"]]:
        settings_sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture()
def kobo(tmp_path):
    return write_workbook(tmp_path / "ho_kobo.xlsx", KOBO_SURVEY)


def vietnamese_only(rows):
    """KOBO_SURVEY without the English column, the geopoint and the photo: what our definitions reproduce."""
    kept = [row for row in rows if row[0] not in ("geopoint", "image")]
    return [[row[0], row[1], *row[3:12]] for row in kept]


VI_HEADER = [SURVEY_HEADER[0], SURVEY_HEADER[1], *SURVEY_HEADER[3:12]]
VI_CHOICES = [[row[0], row[1], row[3]] for row in KOBO_CHOICES]


def test_strict_import_refuses_naming_sheet_row_and_column_and_keeps_its_notes(kobo):
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(kobo)
    errors = caught.value.errors
    assert errors == [
        f"{kobo}: survey, cột label: biểu mẫu có 2 ngôn ngữ; định nghĩa chỉ giữ một ngôn ngữ ('Vietnamese (vi)'): "
        "xóa các cột nhãn của 'English (en)'",
        f"{kobo}: survey dòng 12, cột type (vi_tri): kiểu câu 'geopoint' chưa được hỗ trợ; đổi sang kiểu khác "
        "(text, integer, decimal, date, select_one, select_multiple, note, calculate) hoặc xóa dòng",
        f"{kobo}: survey dòng 18, cột type (anh): kiểu câu 'photo' chưa được hỗ trợ; đổi sang kiểu khác "
        "(text, integer, decimal, date, select_one, select_multiple, note, calculate) hoặc xóa dòng",
    ]
    assert any("survey dòng 2 (start): siêu dữ liệu 'start'" in note for note in caught.value.warnings)


def test_lenient_import_lists_every_dropped_feature_and_keeps_the_rest(kobo):
    data, warnings = import_xlsform(kobo, lenient=True)
    assert (data["form_id"], data["title"], data["version"]) == ("ho_gia_dinh_kobo", "Phiếu hộ (Kobo)", "2024052101")
    dropped = [warning for warning in warnings if ": đã bỏ — " in warning]
    assert [line.split(":")[0] for line in dropped] == [
        "survey, cột label", "survey dòng 12, cột type (vi_tri)", "survey dòng 18, cột type (anh)"]
    defn = definition_from_data(data, str(kobo))
    assert [section.name for section in defn.sections] == ["thong_tin", "phan_chung"]
    assert defn.sections[0].label == "I. Thông tin hộ"
    assert defn.questions["so_nguoi"].hint == "Kể cả người đi làm xa"
    assert defn.questions["so_nguoi"].required is True
    assert defn.questions["so_nguoi"].constraint_message == "Từ 1 đến 30 người"
    assert defn.questions["tai_san"].appearance == "minimal"
    # the nested group is flattened into its section; its relevant is and-ed into its children
    assert defn.questions["vay_von"].section == "thong_tin"
    assert defn.questions["so_tien"].relevant.source == "(${so_nguoi} >= 2) and (${vay_von} = 'co')"
    assert [child.name for child in defn.questions["thanh_vien"].children] == ["ho_ten", "tuoi", "di_hoc"]
    assert defn.questions["thanh_vien"].repeat_count.source == "${so_nguoi}"
    assert [choice.name for choice in defn.choice_lists["tai_san"]] == ["ti_vi", "xe_may", "3"]
    assert defn.choice_label("tai_san", "xe_may") == "Xe gắn máy"
    assert defn.calculation_order == ("tong_tuoi", "so_tre_di_hoc")


def test_a_form_we_reproduce_imports_strictly_and_matches_pyxform(tmp_path):
    path = write_workbook(tmp_path / "ho.xlsx", vietnamese_only(KOBO_SURVEY), choices=VI_CHOICES, header=VI_HEADER)
    data, warnings = import_xlsform(path)
    assert not [warning for warning in warnings if "đã bỏ" in warning]
    defn = definition_from_data(data, str(path))
    assert pyxform_profile(read_xlsform(path).form).differences(definition_profile(defn)) == []
    posted = {
        "ten_chu_ho": "A Thị", "so_nguoi": "3", "tai_san": "ti_vi 3", "vay_von": "co", "so_tien": "20.000.000",
        "thanh_vien": [{"ho_ten": "A Thị", "tuoi": "38", "di_hoc": "khong"},
                       {"ho_ten": "Y Nga", "tuoi": "14", "di_hoc": "co"},
                       {"ho_ten": "A Nam", "tuoi": "9", "di_hoc": "co"}],
    }
    result = validate_answers(defn, posted, submit=True, today="2024-06-01")
    assert result.ok, result.errors
    assert result.answers["tai_san"] == ["ti_vi", "3"]
    assert result.answers["thanh_vien"][0] == {"ho_ten": "A Thị", "tuoi": 38}  # an adult is not asked di_hoc
    assert (result.answers["tong_tuoi"], result.answers["so_tre_di_hoc"]) == (61, 2)
    posted["so_nguoi"] = "1"  # the loan group no longer applies; only one member row is kept
    posted["thanh_vien"][0]["tuoi"] = "200"
    result = validate_answers(defn, posted, submit=True, today="2024-06-01")
    assert result.errors == {"thanh_vien[0].tuoi": "Tuổi từ 0 đến 120"}
    assert "vay_von" not in result.answers and len(result.answers["thanh_vien"]) == 1


def test_legacy_spellings_smart_quotes_paths_and_or_other(tmp_path):
    header = ["type", "name", "label", "required", "bind:relevant", "constraint"]
    rows = [
        ["select one from co_khong", "co_vay", "Vay vốn?", "yes", "", ""],
        ["select all that apply from tai_san or_other", "tai_san", "Tài sản", "", "", ""],
        ["integer", "so_tien", "Số tiền", "", "../co_vay = \u2018co\u2019", ". > 0"],
        ["text", "ghi_chu", "Ghi chú", "", "/data/so_tien > 5", ""],
    ]
    choices = [["list_name", "name", "label"], ["co_khong", "co", "Có"], ["co_khong", "khong", "Không"],
               ["tai_san", "ti_vi", "Ti vi"]]
    data, _ = import_xlsform(write_workbook(tmp_path / "cu.xlsx", rows, choices=choices, header=header,
                                            settings=[["version"], ["3"]]))
    questions = {question["name"]: question for question in data["sections"][0]["questions"]}
    assert questions["co_vay"]["type"] == "select_one co_khong" and questions["co_vay"]["required"] is True
    assert questions["tai_san"]["type"] == "select_multiple tai_san"
    assert [choice["name"] for choice in data["choices"]["tai_san"]] == ["ti_vi", "other"]
    assert questions["tai_san_other"]["relevant"] == "selected(${tai_san}, 'other')"
    assert questions["so_tien"]["relevant"] == "${co_vay} = 'co'"
    assert questions["ghi_chu"]["relevant"] == "${so_tien} > 5"


def test_follow_on_errors_of_one_dropped_question_are_folded_into_its_line(tmp_path):
    rows = vietnamese_only(KOBO_SURVEY) + [
        ["geopoint", "vi_tri", "Vị trí", *[""] * 8],
        ["calculate", "co_vi_tri", "", "", "", "", "", "", "string-length(${vi_tri})", "", ""],
        ["note", "xem", "Xem", "", "", "${co_vi_tri} > 0", "", "", "", "", ""],
    ]
    path = write_workbook(tmp_path / "f.xlsx", rows, choices=VI_CHOICES, header=VI_HEADER)
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    assert caught.value.errors == [
        f"{path}: survey dòng 21, cột type (vi_tri): kiểu câu 'geopoint' chưa được hỗ trợ; đổi sang kiểu khác "
        "(text, integer, decimal, date, select_one, select_multiple, note, calculate) hoặc xóa dòng; kéo theo 2 "
        "công thức nhắc tới câu này: dòng 22 (calculation), dòng 23 (relevant)"]
    data, _ = import_xlsform(path, lenient=True)
    names = [question["name"] for section in data["sections"] for question in section["questions"]]
    assert "vi_tri" not in names and "co_vi_tri" not in names and "relevant" not in data["sections"][-1][
        "questions"][-1]


def test_choice_filter_required_message_and_formula_default_are_refused(tmp_path):
    header = ["type", "name", "label", "choice_filter", "required", "required_message", "default"]
    rows = [["select_one tinh", "tinh", "Tỉnh", "", "", "", ""],
            ["select_one huyen", "huyen", "Huyện", "tinh=${tinh}", "yes", "Hãy chọn huyện", ""],
            ["date", "ngay", "Ngày", "", "", "", "today()"]]
    choices = [["list_name", "name", "label", "tinh"], ["tinh", "kt", "Kon Tum", ""],
               ["huyen", "kp", "Kon Plông", "kt"]]
    path = write_workbook(tmp_path / "f.xlsx", rows, choices=choices, header=header)
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    places = [error.split(": ")[1] for error in caught.value.errors]
    assert places == ["survey dòng 3, cột choice_filter (huyen)", "survey dòng 4, cột default (ngay)"]


def test_required_message_is_kept_and_exported(tmp_path):
    header = ["type", "name", "label", "required", "required_message"]
    path = write_workbook(tmp_path / "f.xlsx", [["text", "ten", "Tên", "yes", "Hãy ghi tên chủ hộ"]],
                          choices=[["list_name", "name", "label"]], header=header)
    data, _ = import_xlsform(path)
    defn = definition_from_data(data, "f.xlsx")
    assert defn.questions["ten"].required_message == "Hãy ghi tên chủ hộ"
    assert validate_answers(defn, {}, submit=True, today="2026-12-02").errors == {"ten": "Hãy ghi tên chủ hộ"}
    again, _ = import_xlsform(write_xlsform(defn, tmp_path / "back.xlsx"))
    assert definition_from_data(again, "back.xlsx").content_hash == defn.content_hash


def test_a_name_used_in_two_groups_is_reported_at_the_second_row(tmp_path):
    rows = [survey_row("begin group", "a", "", "A"), survey_row("text", "ten", "", "Tên"), survey_row("end group"),
            survey_row("begin group", "b", "", "B"), survey_row("text", "ten", "", "Tên"), survey_row("end group")]
    path = write_workbook(tmp_path / "f.xlsx", rows, choices=VI_CHOICES)
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    assert any("survey dòng 6, cột name (ten): tên 'ten' đã dùng ở dòng 3" in error for error in caught.value.errors)


def test_pyxform_refusals_are_introduced_in_vietnamese_with_their_row(tmp_path):
    rows = [survey_row("text", "a", "", "A"), survey_row("end group")]
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(write_workbook(tmp_path / "f.xlsx", rows))
    assert "tệp không đúng chuẩn XLSForm, pyxform từ chối" in caught.value.errors[0]
    assert "survey dòng 3" in caught.value.errors[0]


def test_not_a_workbook(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"\x00\x01 kh\xc3\xb4ng ph\xe1\xba\xa3i Excel")
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    assert "XLSForm" in caught.value.errors[0]


def test_a_form_whose_every_question_is_dropped_says_so(tmp_path):
    rows = [survey_row("geopoint", "vi_tri", "", "Vị trí")]
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(write_workbook(tmp_path / "f.xlsx", rows), lenient=True)
    assert caught.value.errors[-1].endswith("survey: không còn câu hỏi nào nhập được")


@pytest.mark.skipif(not (CORPUS / "kpi__battery_life.xls").exists(), reason="needs ../shared/xlsform-corpus")
def test_an_xls_workbook_from_the_corpus_imports_faithfully():
    path = CORPUS / "kpi__battery_life.xls"  # xlwt, which wrote .xls, is unmaintained: a third-party file
    data, _ = import_xlsform(path)
    defn = definition_from_data(data, str(path))
    assert pyxform_profile(read_xlsform(path).form).differences(definition_profile(defn)) == []
    assert defn.questions


def test_questions_outside_groups_make_default_sections(tmp_path):
    rows = [
        survey_row("text", "phan_chung", "", "Câu có tên trùng với phần mặc định"),
        survey_row("begin group", "g", "", "Nhóm G"),
        survey_row("text", "b", "", "Câu B"),
        survey_row("end group"),
        survey_row("begin repeat", "r", "", "Danh sách"),
        survey_row("begin group", "g2", "", "", relevant="${b} != ''"),
        survey_row("integer", "c", "", "Câu C"),
        survey_row("integer", "d", "", "Câu D", relevant="${c} > 2"),
        survey_row("end group"),
        survey_row("end repeat"),
    ]
    data, _ = import_xlsform(write_workbook(tmp_path / "f.xlsx", rows, choices=VI_CHOICES))
    assert [(section["name"], section["label"]) for section in data["sections"]] == [
        ("phan_chung_2", "Thông tin chung"), ("g", "Nhóm G"), ("phan_chung_3", "Thông tin chung")]
    repeat = data["sections"][2]["questions"][0]
    assert [(child["name"], child.get("relevant")) for child in repeat["questions"]] == [
        ("c", "${b} != ''"), ("d", "(${b} != '') and (${c} > 2)")]
