"""forms/ho_gia_dinh.yaml through the real questionnaire module: it loads, its skip logic and constraints behave
as a commune officer expects, its calculates give the figures the rulesets read, and a household scored end to
end (answers validated by the questionnaire module, then scored) gets the expected outcomes."""

from __future__ import annotations

import copy

import pytest

from survey_app.core.questionnaire import load_definition, validate_answers
from survey_app.core.scoring import MET, computed_status, load_ruleset, resolve_parameters, score
from tests.support.scoring import (
    CAMPAIGN_PATH,
    FORM_PATH,
    NATIONAL_PATH,
    TODAY,
    base_answers,
    raw_answers,
    register,
)

DEFINITION = load_definition(FORM_PATH)
CAMPAIGN = load_ruleset(CAMPAIGN_PATH)
NATIONAL = load_ruleset(NATIONAL_PATH)


def check(raw, submit=True):
    return validate_answers(DEFINITION, raw, submit=submit, today=TODAY)


def test_form_identity():
    assert DEFINITION.form_id == "ho_gia_dinh" and DEFINITION.version == "2024.3"
    assert DEFINITION.title.startswith("Phiếu khảo sát hộ gia đình dân tộc thiểu số — Cuộc vận động")
    assert [section.label.split(".")[0] for section in DEFINITION.sections] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def test_choice_codes_required_by_the_brief():
    def codes(list_name):
        return [choice.name for choice in DEFINITION.choice_lists[list_name]]
    assert codes("dan_toc") == ["xo_dang", "ba_na", "gia_rai", "gie_trieng", "hre", "brau", "ro_mam", "kinh", "khac"]
    assert codes("tinh_trang_ngheo") == ["ngheo", "can_ngheo", "khong_ngheo"]
    assert codes("loai_nha") == ["kien_co", "ban_kien_co", "thieu_kien_co", "don_so"]
    assert len(codes("hu_tuc")) == 6 + 1 and len(codes("phong_tuc")) == 8 + 1  # Quyết định 385 + "none"
    assert set(codes("hinh_thuc_tuyen_truyen")) == {"hop_thon", "loa_truyen_thanh", "so_tay", "den_nha",
                                                    "mang_xa_hoi", "khac"}


def test_household_code_is_not_a_question():
    assert not any("ma_ho" in name or name == "household" for name in DEFINITION.questions)


def test_model_household_validates_and_calculates_the_figures_rulesets_read():
    result = check(raw_answers())
    assert result.ok, result.errors
    expected = base_answers()
    for name in ("so_tre_trong_do_tuoi_di_hoc", "so_tre_thieu_hut_di_hoc", "so_nguoi_thieu_hut_hoc_van",
                 "so_nguoi_thieu_bhyt", "so_tre_suy_dinh_duong", "so_nguoi_thieu_viec_lam", "so_nguoi_phu_thuoc",
                 "so_nguoi_co_viec_lam_on_dinh", "dien_tich_binh_quan", "so_tre_bo_hoc"):
        assert result.answers.get(name) == expected[name], name


def with_member(index, **changes):
    raw = raw_answers()
    member = raw["thanh_vien"][index]
    for key, value in changes.items():
        if value is None:
            member.pop(key, None)
        else:
            member[key] = value
    return raw


def test_school_question_only_for_six_to_eighteen():
    raw = with_member(0, di_hoc="dung_cap")  # a 42-year-old: the answer is dropped
    assert "di_hoc" not in check(raw).answers["thanh_vien"][0]
    raw = with_member(2, di_hoc=None)  # the 12-year-old must answer it
    assert not check(raw).ok


@pytest.mark.parametrize("raw_change, error_name", [
    ({"thu_nhap_binh_quan_thang": -5}, "thu_nhap_binh_quan_thang"),
    ({"so_thanh_vien": 0}, "so_thanh_vien"),
    ({"hu_tuc_con_duy_tri": ["khong_con", "thuoc_thu"]}, "hu_tuc_con_duy_tri"),
    ({"tao_hon_trong_nam": "co"}, "tao_hon_trong_nam"),
    ({"ky_thuat_ap_dung": ["khong_ap_dung", "tiem_phong"]}, "ky_thuat_ap_dung"),
    ({"dien_tich_nha": 0}, "dien_tich_nha"),
    ({"ngay_khao_sat": "2030-01-01"}, "ngay_khao_sat"),
])
def test_constraints(raw_change, error_name):
    raw = {**raw_answers(), **raw_change}
    errors = check(raw).errors
    assert any(error_name in path for path in errors), errors


def test_income_constraint_message_is_vietnamese():
    errors = check({**raw_answers(), "thu_nhap_binh_quan_thang": -1}).errors
    assert "Thu nhập bình quân phải từ 0 đến 100.000.000 đồng" in " ".join(errors.values())


def test_school_attendance_question_skipped_without_children():
    raw = raw_answers()
    raw["so_thanh_vien"] = 2
    raw["thanh_vien"] = raw["thanh_vien"][:2]
    result = check(raw)
    assert result.ok, result.errors
    assert result.answers["so_tre_trong_do_tuoi_di_hoc"] == 0 and "tre_den_truong" not in result.answers


def test_dropout_contradicts_all_children_at_school():
    raw = with_member(2, di_hoc="bo_hoc")
    errors = check(raw).errors
    assert any("tre_den_truong" in path for path in errors)


def test_voluntary_exit_only_asked_of_poor_and_near_poor():
    raw = {**raw_answers(), "tinh_trang_dau_nam": "khong_ngheo"}
    assert "tu_nguyen_thoat_ngheo" not in check(raw).answers


def score_raw(raw, ruleset, household=None, on="2024-12-31"):
    result = check(raw)
    assert result.ok, result.errors
    return score(ruleset, result.answers, household or register(), resolve_parameters(ruleset, on), today=TODAY)


def deprived(result, indicator):
    return result.outcome("thieu_hut_da_chieu").criterion(indicator).held


@pytest.mark.parametrize("index, changes, indicator", [
    (0, {"viec_lam": "that_nghiep"}, "viec_lam"),
    (1, {"viec_lam": "khong_hop_dong"}, "viec_lam"),
    (2, {"suy_dinh_duong": "co"}, "dinh_duong"),
    (2, {"di_hoc": "cham_cap"}, "tre_em_di_hoc"),
    (3, {"di_mau_giao": "khong"}, "tre_em_di_hoc"),
    (0, {"tuoi": 25, "trinh_do": "thcs", "dang_dao_tao": "khong"}, "giao_duc_nguoi_lon"),
    (0, {"tuoi": 70}, "nguoi_phu_thuoc"),
    (1, {"mat_kha_nang_lao_dong": "co"}, "nguoi_phu_thuoc"),
])
def test_member_answers_drive_the_member_indicators(index, changes, indicator):
    assert deprived(score_raw(raw_answers(), NATIONAL), indicator) is False
    result = score_raw(with_member(index, **changes), NATIONAL)
    assert deprived(result, indicator) is True
    assert computed_status(result) == "ngheo"  # the base household had 2 deprivations


def test_young_adult_still_in_training_is_not_deprived_of_education():
    raw = with_member(0, tuoi=22, trinh_do="thcs", dang_dao_tao="co")
    assert deprived(score_raw(raw, NATIONAL), "giao_duc_nguoi_lon") is False


def test_house_area_per_person_from_the_form():
    result = score_raw({**raw_answers(), "dien_tich_nha": 30}, NATIONAL)  # 7,5 m² per person
    assert deprived(result, "dien_tich_nha_o") is True


def test_incomplete_member_rows_make_indicators_undetermined():
    raw = with_member(1, bhyt=None)
    result = check(raw, submit=False)  # a draft: required answers may still be missing
    assert "so_nguoi_thieu_bhyt" not in result.answers
    scored = score(NATIONAL, result.answers, register(), resolve_parameters(NATIONAL, "2024-12-31"), today=TODAY)
    assert deprived(scored, "bao_hiem_y_te") is None


def test_end_to_end_campaign_household():
    raw = {**raw_answers(), "thu_nhap_binh_quan_thang": 2_100_000, "tiet_kiem_tai_dau_tu": "co"}
    result = score_raw(raw, CAMPAIGN)
    assert all(result.statuses[o] == MET for o in (
        "informed", "mindset_changed", "applies_science", "life_improved", "coop_group", "cooperative",
        "escaped_poverty"))
    raw = copy.deepcopy(raw)
    raw["thanh_vien"][0]["viec_lam"] = "thoi_vu"
    raw["thanh_vien"][1]["viec_lam"] = "ngoai_lao_dong"
    raw["hu_tuc_con_duy_tri"] = ["cung_om_dau"]
    raw["kham_chua_benh"] = "cung_bai"
    result = score_raw(raw, CAMPAIGN)
    signals = result.outcome("dau_hieu_nep_nghi")
    assert signals.criterion("co_viec_lam_thuong_xuyen").held is False
    assert signals.status == MET and result.statuses["mindset_changed"] == MET  # 4 of 7 remain
