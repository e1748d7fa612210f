"""XLSForm import: a workbook written the way ODK/KoboToolbox authors write it, built here with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest

from survey_app.core.questionnaire import DefinitionError, definition_from_data, import_xlsform, validate_answers

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


def test_kobo_workbook_imports_with_warnings_for_unsupported_rows(kobo):
    data, warnings = import_xlsform(kobo)
    assert (data["form_id"], data["title"], data["version"]) == ("ho_gia_dinh_kobo", "Phiếu hộ (Kobo)", "2024052101")
    assert warnings == [
        "survey dòng 2 (start): trường siêu dữ liệu 'start' chưa được hỗ trợ, đã bỏ qua",
        "survey dòng 3 (today): trường siêu dữ liệu 'today' chưa được hỗ trợ, đã bỏ qua",
        "survey dòng 12 (vi_tri): kiểu 'geopoint' chưa được hỗ trợ, đã bỏ qua",
        "survey dòng 18 (anh): kiểu 'image' chưa được hỗ trợ, đã bỏ qua",
    ]
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


def test_imported_form_is_filled_in_and_submitted(kobo):
    data, _ = import_xlsform(kobo)
    defn = definition_from_data(data, str(kobo))
    posted = {
        "ten_chu_ho": "A Thị",
        "so_nguoi": "3",
        "tai_san": "ti_vi 3",
        "vay_von": "co",
        "so_tien": "20.000.000",
        "thanh_vien": [
            {"ho_ten": "A Thị", "tuoi": "38", "di_hoc": "khong"},
            {"ho_ten": "Y Nga", "tuoi": "14", "di_hoc": "co"},
            {"ho_ten": "A Nam", "tuoi": "9", "di_hoc": "co"},
        ],
    }
    result = validate_answers(defn, posted, submit=True, today="2024-06-01")
    assert result.ok, result.errors
    assert result.answers["tai_san"] == ["ti_vi", "3"]
    assert result.answers["so_tien"] == 20000000.0
    assert result.answers["thanh_vien"][0] == {"ho_ten": "A Thị", "tuoi": 38}  # an adult is not asked di_hoc
    assert result.answers["tong_tuoi"] == 61
    assert result.answers["so_tre_di_hoc"] == 2
    assert "cam_on" in result.relevant and "cam_on" not in result.answers

    posted["so_nguoi"] = "1"  # the loan group no longer applies; only one member row is kept
    posted["thanh_vien"][0]["tuoi"] = "200"
    result = validate_answers(defn, posted, submit=True, today="2024-06-01")
    assert result.errors == {"thanh_vien[0].tuoi": "Tuổi từ 0 đến 120"}
    assert "vay_von" not in result.answers and len(result.answers["thanh_vien"]) == 1


def test_plain_label_column_and_missing_settings(tmp_path):
    header = ["type", "name", "label", "required", "choice_filter", "guidance_hint"]
    rows = [
        ["integer", "tuoi", "Tuổi", "yes", "", "Hỏi năm sinh nếu không nhớ"],
        ["select_one co_khong", "co_vay", "Vay vốn?", "", "${tuoi} > 1", ""],
        ["select_one_from_file xa.csv", "xa", "Xã", "", "", ""],
        ["begin repeat", "ngoai", "Ngoài", "", "", ""],
        ["begin repeat", "trong", "Trong", "", "", ""],
        ["text", "ten", "Tên", "", "", ""],
        ["end repeat", "", "", "", "", ""],
        ["text", "ghi_chu", "", "", "", ""],
        ["end repeat", "", "", "", "", ""],
    ]
    path = write_workbook(tmp_path / "Phieu Kobo.xlsx", rows, choices=[["list_name", "name", "label"],
                                                                        ["co_khong", "co", "Có"]],
                          settings=[["form_title"], ["Phiếu thử"]], header=header)
    data, warnings = import_xlsform(path)
    assert (data["form_id"], data["version"]) == ("phieu_kobo", "1")
    assert [question["name"] for question in data["sections"][0]["questions"]] == ["tuoi", "co_vay", "ngoai"]
    assert data["sections"][0]["questions"][2]["questions"] == [
        {"name": "ghi_chu", "type": "text", "label": "ghi_chu"}]
    assert "settings: form_id '' được đổi thành 'phieu_kobo'" in warnings
    assert "settings: thiếu version, dùng '1'" in warnings
    assert "survey cột 'guidance_hint': chưa được hỗ trợ, đã bỏ qua (dòng 2)" in warnings
    assert "survey dòng 3 (co_vay): choice_filter chưa được hỗ trợ, đã bỏ qua (hiện mọi lựa chọn)" in warnings
    assert "survey dòng 4 (xa): kiểu 'select_one_from_file xa.csv' chưa được hỗ trợ, đã bỏ qua" in warnings
    assert ("survey dòng 6 (trong): nhóm lặp lồng trong nhóm lặp chưa được hỗ trợ, đã bỏ qua cả nhóm"
            in warnings)
    assert "survey dòng 9 (ghi_chu): thiếu nhãn (label), dùng tên câu làm nhãn" in warnings


def test_jr_functions_are_dropped_with_a_warning(tmp_path):
    rows = KOBO_SURVEY + [survey_row("text", "ghi_chu", "Note", "Ghi chú",
                                     relevant="jr:choice-name(${vay_von}, '${vay_von}') = 'Có'")]
    data, warnings = import_xlsform(write_workbook(tmp_path / "f.xlsx", rows))
    assert "survey dòng 23 (ghi_chu): relevant dùng hàm 'jr:' chưa được hỗ trợ, đã bỏ qua relevant" in warnings
    assert "relevant" not in data["sections"][-1]["questions"][-1]


def test_unusable_expressions_are_errors_naming_the_row(tmp_path):
    rows = list(KOBO_SURVEY)
    rows[4] = survey_row("integer", "so_nguoi", "Members", "Số người", constraint="regex(., '[0-9]+')")
    rows[8] = survey_row("decimal", "so-tien", "Amount", "Số tiền vay")
    rows.append(survey_row("calculate", "c", calculation="${vi_tri} + 1"))
    path = write_workbook(tmp_path / "f.xlsx", rows)
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    errors = caught.value.errors
    assert f"{path}: survey dòng 6 (so_nguoi), constraint: Lỗi cú pháp ở vị trí 1: hàm không xác định 'regex'" in errors
    assert any(error.startswith(f"{path}: survey dòng 10 (so-tien): tên 'so-tien' không hợp lệ") for error in errors)
    assert (f"{path}: survey dòng 23 (c), calculation, vị trí 1: tham chiếu '${{vi_tri}}' không tồn tại "
            "(câu này đã bị bỏ qua khi nhập)") in errors


def test_unbalanced_groups_are_errors(tmp_path):
    rows = [survey_row("begin group", "a", "A", "A"), survey_row("text", "t", "T", "T"), survey_row("end repeat")]
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(write_workbook(tmp_path / "f.xlsx", rows))
    assert any("survey dòng 4: 'end repeat' không khớp" in error for error in caught.value.errors)
    assert any("survey dòng 2: nhóm (begin group) không được đóng" in error for error in caught.value.errors)


def test_not_an_xlsx_file(tmp_path):
    path = tmp_path / "f.xlsx"
    path.write_text("không phải Excel", "utf-8")
    with pytest.raises(DefinitionError) as caught:
        import_xlsform(path)
    assert "không đọc được tệp Excel .xlsx" in caught.value.errors[0]


def test_questions_outside_groups_make_default_sections(tmp_path):
    rows = [
        survey_row("text", "phan_chung", "A", "Câu có tên trùng với phần mặc định"),
        survey_row("begin group", "g", "G", "Nhóm G"),
        survey_row("text", "b", "B", "Câu B"),
        survey_row("end group"),
        survey_row("begin repeat", "r", "R", "Danh sách"),
        survey_row("begin group", "g2", "G2", "", relevant="${b} != ''"),
        survey_row("integer", "c", "C", "Câu C"),
        survey_row("integer", "d", "D", "Câu D", relevant="${c} > 2"),
        survey_row("end group"),
        survey_row("end repeat"),
    ]
    data, warnings = import_xlsform(write_workbook(tmp_path / "f.xlsx", rows))
    assert warnings == []
    assert [(section["name"], section["label"]) for section in data["sections"]] == [
        ("phan_chung_2", "Thông tin chung"), ("g", "Nhóm G"), ("phan_chung_3", "Thông tin chung")]
    repeat = data["sections"][2]["questions"][0]
    assert [(child["name"], child.get("relevant")) for child in repeat["questions"]] == [
        ("c", "${b} != ''"), ("d", "(${b} != '') and (${c} > 2)")]
