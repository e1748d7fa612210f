"""Loading and validating rulesets: the shipped files, canonical data and hashing, and malformed files refused
with the file, outcome, criterion and position named."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app.core.questionnaire import load_definition
from survey_app.core.scoring import RulesetError, load_ruleset, ruleset_from_data
from tests.support.scoring import CAMPAIGN_PATH, DATA_DIR, FORM_PATH, NATIONAL_PATH

VALID = (DATA_DIR / "hop_le.yaml").read_text(encoding="utf-8")


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RulesetError) as raised:
        load_ruleset(path)
    assert raised.value.errors == [str(problem) for problem in raised.value.problems]
    return raised.value.errors


def variant(tmp_path: Path, old: str, new: str, name: str = "bien_the.yaml") -> Path:
    assert old in VALID, old
    path = tmp_path / name
    path.write_text(VALID.replace(old, new), encoding="utf-8")
    return path


def test_shipped_rulesets_load():
    campaign = load_ruleset(CAMPAIGN_PATH)
    assert campaign.ruleset_id == "cuoc_van_dong" and campaign.questionnaire == "ho_gia_dinh"
    assert [o.id for o in campaign.reported_outcomes] == [
        "informed", "mindset_changed", "applies_science", "life_improved", "coop_group", "cooperative",
        "escaped_poverty", "escaped_near_poverty"]
    national = load_ruleset(NATIONAL_PATH)
    assert {"computed_poor", "computed_near_poor", "computed_average"} <= set(national.outcomes_by_id)
    assert len(national.outcome("thieu_hut_da_chieu").criteria) == 12


def test_valid_file_and_canonical_data():
    ruleset = load_ruleset(DATA_DIR / "hop_le.yaml")
    data = ruleset.to_data()
    assert data["parameters"]["nguong"]["periods"] == [
        {"from": "2022-01-01", "to": "2026-12-31", "value": 1500000},
        {"from": "2027-01-01", "to": None, "value": 2200000}]
    assert data["outcomes"][1]["combine"] == "at_least 1"
    again = ruleset_from_data(data, "snapshot")
    assert again.to_data() == data and again.content_hash == ruleset.content_hash


@pytest.mark.parametrize("path", [CAMPAIGN_PATH, NATIONAL_PATH], ids=["cuoc_van_dong", "chuan_ngheo"])
def test_shipped_rulesets_round_trip_through_data(path):
    ruleset = load_ruleset(path)
    assert ruleset_from_data(ruleset.to_data(), "snapshot").content_hash == ruleset.content_hash


def test_content_hash_ignores_comments_but_not_content(tmp_path):
    base = load_ruleset(DATA_DIR / "hop_le.yaml").content_hash
    assert load_ruleset(variant(tmp_path, "# A small", "# Ghi chú khác. A small")).content_hash == base
    assert load_ruleset(variant(tmp_path, 'version: "1"', 'version: "2"')).content_hash != base
    assert load_ruleset(variant(tmp_path, "value: 1500000", "value: 1600000")).content_hash != base


def test_syntax_error_names_file_outcome_criterion_line_and_position():
    (error,) = problems_of(DATA_DIR / "loi_cu_phap.yaml")
    assert error.startswith(str(DATA_DIR / "loi_cu_phap.yaml") + ": ")
    assert 'kết quả "informed", tiêu chí "duoc_tuyen_truyen", expression, dòng 15' in error
    assert "Lỗi cú pháp ở vị trí 24" in error


def test_forward_reference_is_refused_with_advice():
    (error,) = problems_of(DATA_DIR / "loi_tham_chieu_sau.yaml")
    assert 'kết quả "mindset_changed", tiêu chí "du_dau_hieu"' in error
    assert "dòng 15, vị trí 1" in error
    assert "'dau_hieu' được định nghĩa phía sau; hãy đặt 'dau_hieu' trước 'mindset_changed'" in error


def test_cycles_and_self_references_are_refused():
    errors = problems_of(DATA_DIR / "loi_vong_lap.yaml")
    assert any('kết quả "mot", tiêu chí "doc_hai"' in e and "vòng lặp tham chiếu giữa các kết quả: mot → hai → mot"
               in e for e in errors)
    assert any('kết quả "ba", tiêu chí "tu_doc"' in e and "tự tham chiếu chính nó" in e for e in errors)


def test_every_problem_is_reported_at_once():
    errors = problems_of(DATA_DIR / "loi_nhieu_cho.yaml")
    expected = [
        ("ruleset_id, dòng 2", "chữ thường"),
        ("version, dòng 3", "phải là chuỗi"),
        ('tham số "nguong", dòng 7', "chồng lên nhau"),
        ('tham số "ngay_sai", thời kỳ 1, from, dòng 11', "YYYY-MM-DD"),
        ("đối tượng (population), expression, dòng 14, vị trí 1", "thuộc tính hộ 'dan_toc' không tồn tại"),
        ('kết quả "mot", dòng 19', "khóa không được hỗ trợ 'critera'"),
        ('kết quả "mot", tiêu chí "a", expression, dòng 23, vị trí 1', "tham số 'khong_co' chưa được khai báo"),
        ('kết quả "mot", tiêu chí "a", id, dòng 24', "mã tiêu chí bị trùng"),
        ('kết quả "mot", combine, dòng 18', "N phải từ 1 đến số tiêu chí (2)"),
        ('kết quả "mot", id, dòng 27', "mã kết quả bị trùng"),
        ('kết quả "hai", tiêu chí "c", optional', "'y' khai báo trong 'optional' nhưng không có trong biểu thức"),
        ('kết quả "hai", tiêu chí "d", expression, dòng 37', "không dùng '.'"),
        ('kết quả "hai", tiêu chí "e", expression, dòng 38, vị trí 1', "tên 'vung.x' không hợp lệ"),
        ('kết quả "hai", combine, dòng 34', "'combine' phải là all, any hoặc at_least N"),
    ]
    assert len(errors) == len(expected)
    for place, message in expected:
        assert any(place in error and message in error for error in errors), (place, message)


@pytest.mark.parametrize("old, new, expected", [
    ("combine: all", "combine: all\n    combine: any", "khóa 'combine' bị lặp lại"),
    ('title: "Bộ quy tắc hợp lệ"\n', "", "thiếu khóa bắt buộc 'title'"),
    ("questionnaire: ho_gia_dinh", "questionnaire: ho_gia_dinh\nmau_so: 1", "khóa không được hỗ trợ 'mau_so'"),
    ("id: thu_nhap_thap", "id: Thu-Nhap", "'id' phải là chữ thường"),
    ("combine: at_least 1", "combine: at_least 3", "at_least 3: N phải từ 1 đến số tiêu chí (2)"),
    ("to: 2026-12-31", "to: 2021-12-31", "ngày kết thúc 2021-12-31 trước ngày bắt đầu 2022-01-01"),
    ("value: 2200000", "value: null", "'value' phải là một số"),
    ("${outcome.thu_nhap_thap}", "${outcome.khong_co}", "không có kết quả nào mã 'khong_co'"),
    ("${household.ethnic_group} != 'kinh'", "${outcome.thu_nhap_thap}", "population) không được dùng kết quả"),
    ('expression: "${thu_nhap_binh_quan_thang} <= ${param.nguong}"',
     'expression: "${thu_nhap_binh_quan_thang} <= ${param.nguong}"\n        optional: [param.nguong]',
     "không thể là optional"),
    ("selected(${tai_san}, 'ti_vi')", "selected(${tai_san}, 'ti_vi'", "Lỗi cú pháp"),
    ('label: "Có ti vi"', "label: 12", "phải là chuỗi"),
    ("criteria:\n      - id: duoi_nguong", "criteria: []\n    x:\n      - id: duoi_nguong",
     "'criteria' phải là danh sách có ít nhất một tiêu chí"),
    ("population:", "household_fallback: {ma_ho: ma_ho}\npopulation:", "thuộc tính hộ 'ma_ho' không dùng được"),
    ("combine: all", "combine: [all", "YAML không hợp lệ"),
])
def test_malformed_variants_are_refused(tmp_path, old, new, expected):
    errors = problems_of(variant(tmp_path, old, new))
    assert all(error.startswith(str(tmp_path / "bien_the.yaml")) for error in errors)
    assert any(expected in error for error in errors), errors


def test_unreadable_and_non_mapping_files(tmp_path):
    (error,) = problems_of(tmp_path / "khong_co.yaml")
    assert "không đọc được tệp" in error
    path = tmp_path / "danh_sach.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    (error,) = problems_of(path)
    assert "phải là một bảng" in error


def test_form_loads_and_shipped_rulesets_fit_it():
    definition = load_definition(FORM_PATH)
    for path in (CAMPAIGN_PATH, NATIONAL_PATH):
        assert load_ruleset(path).check_against(definition) == []


@pytest.mark.parametrize("old, new, expected", [
    ("${thu_nhap_binh_quan_thang}", "${thu_nhap}", "phiếu 'ho_gia_dinh' không có câu hỏi 'thu_nhap'"),
    ("'ti_vi'", "'tivi'", "câu 'tai_san' không có lựa chọn mã 'tivi'"),
    ("!= 'kinh'", "!= 'viet'", "câu 'dan_toc_chu_ho' không có lựa chọn mã 'viet'"),
    ("questionnaire: ho_gia_dinh", "questionnaire: phieu_khac", "được kiểm tra với phiếu 'ho_gia_dinh'"),
    ("${thu_nhap_binh_quan_thang}", "${huong_dan_chung}", "là ghi chú (note)"),
    ("population:", "household_fallback: {status_end: tinh_trang}\npopulation:", "không có câu 'tinh_trang'"),
])
def test_check_against_definition_finds_unknown_names_and_codes(tmp_path, old, new, expected):
    text = VALID.replace(old, new)
    if "!= 'viet'" in text:
        text = text.replace("population:", "household_fallback: {ethnic_group: dan_toc_chu_ho}\npopulation:")
    path = tmp_path / "kiem_tra.yaml"
    path.write_text(text, encoding="utf-8")
    problems = load_ruleset(path).check_against(load_definition(FORM_PATH))
    assert any(expected in str(problem) for problem in problems), [str(p) for p in problems]
    assert all(str(problem).startswith(str(path)) for problem in problems)
