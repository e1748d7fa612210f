"""forms/rulesets/cuoc_van_dong.yaml: every outcome and every criterion, met and not met, the population and
missing answers, on hand-built households."""

from __future__ import annotations

import pytest

from survey_app.core.scoring import MET, NOT_IN_POPULATION, NOT_MET, load_ruleset, resolve_parameters, score
from tests.support.scoring import CAMPAIGN_PATH, TODAY, base_answers, register

RULESET = load_ruleset(CAMPAIGN_PATH)
PARAMETERS = resolve_parameters(RULESET, "2024-12-31")


def model_answers(**changes):
    """A household meeting every campaign criterion (income above the assumed 1.800.000 đ, saves to reinvest)."""
    return base_answers(**{"thu_nhap_binh_quan_thang": 2_000_000, "tiet_kiem_tai_dau_tu": "co", **changes})


def run(answers=None, household=None):
    return score(RULESET, model_answers() if answers is None else answers,
                 register() if household is None else household, PARAMETERS, today=TODAY)


def test_parameter_is_the_assumed_average_income():
    assert PARAMETERS == {"thu_nhap_binh_quan_dtts": 1_800_000}


def test_model_household_meets_every_criterion():
    result = run()
    assert result.in_population is True
    for outcome in result.outcomes:
        if outcome.id == "escaped_near_poverty":
            assert outcome.status == NOT_IN_POPULATION  # poor, not near-poor, at the start of the year
            continue
        assert outcome.status == MET, outcome.id
        assert all(criterion.held is True for criterion in outcome.criteria), outcome.id


# (outcome, criterion, answer changes that make the criterion false, status of the outcome afterwards)
FAILING = [
    ("informed", "duoc_tuyen_truyen", {"duoc_tuyen_truyen": "khong", "hinh_thuc_tuyen_truyen": None}, NOT_MET),
    ("dau_hieu_nep_nghi", "bo_hu_tuc", {"hu_tuc_con_duy_tri": ["cung_om_dau"]}, MET),
    ("dau_hieu_nep_nghi", "bo_phong_tuc", {"phong_tuc_con_duy_tri": ["no_mieng", "tha_rong", "ngu_ray"]}, MET),
    ("dau_hieu_nep_nghi", "tu_nguyen_thoat_ngheo", {"tu_nguyen_thoat_ngheo": "khong"}, MET),
    ("dau_hieu_nep_nghi", "vay_von_san_xuat", {"vay_von_san_xuat": "khong", "nguon_von_vay": None}, MET),
    ("dau_hieu_nep_nghi", "co_viec_lam_thuong_xuyen", {"so_nguoi_co_viec_lam_on_dinh": 0}, MET),
    ("dau_hieu_nep_nghi", "tre_em_den_truong", {"tre_den_truong": "khong"}, MET),
    ("dau_hieu_nep_nghi", "kham_chua_benh_co_so_y_te", {"kham_chua_benh": "vua_cung_vua_kham"}, MET),
    ("mindset_changed", "khong_tao_hon", {"tao_hon_trong_nam": "co", "hu_tuc_con_duy_tri": ["tao_hon"]}, NOT_MET),
    ("mindset_changed", "khong_can_huyet", {"can_huyet_trong_nam": "co"}, NOT_MET),
    ("applies_science", "tap_huan", {"tham_gia_tap_huan": "khong"}, MET),
    ("applies_science", "giong_moi", {"su_dung_giong_moi": "khong"}, MET),
    ("applies_science", "ap_dung_ky_thuat", {"ky_thuat_ap_dung": ["khong_ap_dung"]}, MET),
    ("applies_science", "chuyen_doi_cay_con", {"chuyen_doi_cay_con": "khong", "cay_con_chuyen_doi": None}, MET),
    ("applies_science", "tich_luy_tai_dau_tu", {"tiet_kiem_tai_dau_tu": "khong"}, MET),
    ("life_improved", "thu_nhap_tren_binh_quan", {"thu_nhap_binh_quan_thang": 1_800_000}, NOT_MET),
    ("life_improved", "mo_hinh_on_dinh", {"mo_hinh_on_dinh": "khong", "loai_mo_hinh": None}, NOT_MET),
    ("life_improved", "nha_kien_co", {"loai_nha": "ban_kien_co"}, NOT_MET),
    ("life_improved", "co_ti_vi", {"tai_san": ["xe_may"]}, NOT_MET),
    ("life_improved", "co_xe_may", {"tai_san": ["ti_vi", "radio"]}, NOT_MET),
    ("coop_group", "thanh_vien_to_hop_tac", {"tham_gia_to_hop_tac": "khong"}, NOT_MET),
    ("cooperative", "thanh_vien_htx", {"tham_gia_htx": "khong"}, NOT_MET),
]


@pytest.mark.parametrize("outcome_id, criterion_id, changes, status", FAILING,
                         ids=[f"{o}-{c}" for o, c, _, _ in FAILING])
def test_each_criterion_can_fail(outcome_id, criterion_id, changes, status):
    before = run().outcome(outcome_id)
    after = run(model_answers(**changes)).outcome(outcome_id)
    assert before.criterion(criterion_id).held is True
    assert after.criterion(criterion_id).held is False
    assert after.status == status and after.determined is True
    others = [c.held for c in after.criteria if c.id != criterion_id]
    assert all(held is True for held in others)  # the change touched only this criterion
    assert after.criterion(criterion_id).explanation.startswith("Không đạt — ")


def test_every_campaign_criterion_is_exercised():
    covered = {(outcome, criterion) for outcome, criterion, _, _ in FAILING}
    covered |= {("escaped_poverty", "khong_con_ngheo_cuoi_nam"), ("escaped_near_poverty", "khong_ngheo_cuoi_nam"),
                ("mindset_changed", "du_dau_hieu")}
    declared = {(o.id, c.id) for o in RULESET.outcomes for c in o.criteria}
    assert declared == covered


def test_mindset_needs_four_of_seven_signals():
    three_lost = {"tu_nguyen_thoat_ngheo": "khong", "vay_von_san_xuat": "khong", "nguon_von_vay": None,
                  "kham_chua_benh": "cung_bai"}
    result = run(model_answers(**three_lost))
    assert result.outcome("dau_hieu_nep_nghi").status == MET  # 4 of 7 left
    assert result.outcome("mindset_changed").status == MET
    result = run(model_answers(**three_lost, hu_tuc_con_duy_tri=["thuoc_thu"]))
    assert result.outcome("dau_hieu_nep_nghi").status == NOT_MET  # 3 of 7
    assert result.outcome("mindset_changed").criterion("du_dau_hieu").held is False
    assert result.outcome("mindset_changed").status == NOT_MET


def test_mindset_signals_are_an_internal_outcome():
    assert RULESET.outcome("dau_hieu_nep_nghi").internal
    assert "dau_hieu_nep_nghi" not in [o.id for o in RULESET.reported_outcomes]


def test_school_signal_without_school_age_children():
    answers = model_answers(so_tre_trong_do_tuoi_di_hoc=0, tre_den_truong=None)
    assert run(answers).outcome("dau_hieu_nep_nghi").criterion("tre_em_den_truong").held is True
    # Children of school age but the question left unanswered: never counted as at school.
    answers = model_answers(tre_den_truong=None)
    assert run(answers).outcome("dau_hieu_nep_nghi").criterion("tre_em_den_truong").held is False


def test_applies_science_needs_three_of_five():
    result = run(model_answers(tham_gia_tap_huan="khong", su_dung_giong_moi="khong"))
    assert result.outcome("applies_science").status == MET
    result = run(model_answers(tham_gia_tap_huan="khong", su_dung_giong_moi="khong", tiet_kiem_tai_dau_tu="khong"))
    assert result.outcome("applies_science").status == NOT_MET


@pytest.mark.parametrize("end, status", [("can_ngheo", MET), ("khong_ngheo", MET), ("ngheo", NOT_MET)])
def test_escaped_poverty(end, status):
    result = run(household=register(status_start="ngheo", status_end=end))
    assert result.outcome("escaped_poverty").status == status
    assert result.outcome("escaped_near_poverty").status == NOT_IN_POPULATION


@pytest.mark.parametrize("end, status", [("khong_ngheo", MET), ("can_ngheo", NOT_MET), ("ngheo", NOT_MET)])
def test_escaped_near_poverty(end, status):
    result = run(model_answers(tinh_trang_dau_nam="can_ngheo"),
                 household=register(status_start="can_ngheo", status_end=end))
    assert result.outcome("escaped_near_poverty").status == status
    assert result.outcome("escaped_poverty").status == NOT_IN_POPULATION


def test_end_of_year_status_unknown_is_undetermined():
    result = run(model_answers(tinh_trang_cuoi_nam=None), household=register(status_end=None))
    escaped = result.outcome("escaped_poverty")
    assert escaped.status == NOT_MET and escaped.determined is False
    assert escaped.criteria[0].missing == ("household.status_end",)


def test_register_statuses_fall_back_to_answers():
    result = run(model_answers(tinh_trang_cuoi_nam="khong_ngheo"), household=register(status_end=None))
    assert result.outcome("escaped_poverty").status == MET
    # The official register wins over the enumerator's answer.
    result = run(model_answers(tinh_trang_cuoi_nam="khong_ngheo"), household=register(status_end="ngheo"))
    assert result.outcome("escaped_poverty").status == NOT_MET
    result = run(household={"code": "KT-1"})  # nothing in the register: the answers decide
    assert result.in_population is True and result.outcome("escaped_poverty").status == MET


@pytest.mark.parametrize("household", [
    register(ethnic_group="kinh"),
    register(status_start="khong_ngheo"),
])
def test_households_outside_the_population(household):
    result = run(household=household)
    assert result.in_population is False
    assert set(result.statuses.values()) == {NOT_IN_POPULATION}


def test_population_unknown_when_ethnic_group_missing_everywhere():
    result = run(model_answers(dan_toc_chu_ho=None), household=register(ethnic_group=None))
    assert result.in_population is None
    assert result.outcome("informed").status == NOT_IN_POPULATION
    assert result.outcome("informed").population_missing == ("household.ethnic_group",)


def test_missing_answers_never_count_as_met():
    # No answers at all; the register knows the household but not yet its end-of-year status.
    result = run({}, household=register(status_end=None))
    assert result.in_population is True
    for outcome in result.outcomes:
        assert outcome.status != MET, outcome.id
    assert result.outcome("informed").determined is False
    assert result.outcome("informed").criteria[0].missing == ("duoc_tuyen_truyen",)


def test_one_missing_answer_leaves_other_outcomes_alone():
    result = run(model_answers(loai_nha=None))
    life = result.outcome("life_improved")
    assert life.status == NOT_MET and life.determined is False
    assert life.criterion("nha_kien_co").held is None
    assert result.outcome("coop_group").status == MET
    # A definite failure elsewhere makes the outcome surely not met despite the gap.
    result = run(model_answers(loai_nha=None, mo_hinh_on_dinh="khong"))
    assert result.outcome("life_improved").determined is True
