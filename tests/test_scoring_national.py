"""forms/rulesets/chuan_ngheo_quoc_gia.yaml: the 12 deprivation indicators, the computed status, thresholds of
Decree 07/2021 (to 2026) and Decree 351/2025 (from 2027), urban and rural, and missing answers."""

from __future__ import annotations

import pytest

from survey_app.core.scoring import (
    MET,
    NOT_MET,
    computed_status,
    disagrees_with_official,
    load_ruleset,
    official_equivalent,
    resolve_parameters,
    score,
)
from tests.support.scoring import NATIONAL_PATH, TODAY, base_answers, register

RULESET = load_ruleset(NATIONAL_PATH)
P2026 = resolve_parameters(RULESET, "2026-12-31")
P2027 = resolve_parameters(RULESET, "2027-01-01")


def run(answers=None, parameters=P2026):
    return score(RULESET, base_answers() if answers is None else answers, register(), parameters, today=TODAY)


def deprivations(result):
    return {c.id: c.held for c in result.outcome("thieu_hut_da_chieu").criteria}


def test_parameters_by_period():
    assert P2026 == {"nguong_ngheo_nong_thon": 1_500_000, "nguong_ngheo_thanh_thi": 2_000_000,
                     "muc_song_trung_binh_nong_thon": 2_250_000, "muc_song_trung_binh_thanh_thi": 3_000_000,
                     "dien_tich_nha_o_toi_thieu": 8}
    assert P2027 == {"nguong_ngheo_nong_thon": 2_200_000, "nguong_ngheo_thanh_thi": 2_800_000,
                     "muc_song_trung_binh_nong_thon": 3_300_000, "muc_song_trung_binh_thanh_thi": 4_200_000,
                     "dien_tich_nha_o_toi_thieu": 8}
    assert resolve_parameters(RULESET, "2022-01-01") == P2026


def test_base_household_is_near_poor_with_two_deprivations():
    result = run()
    held = deprivations(result)
    assert sorted(name for name, value in held.items() if value) == ["bao_hiem_y_te", "nha_tieu"]
    assert all(value is False for name, value in held.items() if name not in ("bao_hiem_y_te", "nha_tieu"))
    assert result.statuses["computed_near_poor"] == MET
    assert result.statuses["computed_poor"] == NOT_MET and result.statuses["computed_average"] == NOT_MET
    assert computed_status(result) == "can_ngheo"


# (indicator, answer changes, deprived afterwards?) — each from the base household (2 deprivations).
INDICATORS = [
    ("viec_lam", {"so_nguoi_thieu_viec_lam": 1}, True),
    ("nguoi_phu_thuoc", {"so_nguoi_phu_thuoc": 3}, True),
    ("dinh_duong", {"so_tre_suy_dinh_duong": 1}, True),
    ("bao_hiem_y_te", {"so_nguoi_thieu_bhyt": 0}, False),
    ("giao_duc_nguoi_lon", {"so_nguoi_thieu_hut_hoc_van": 1}, True),
    ("tre_em_di_hoc", {"so_tre_thieu_hut_di_hoc": 1}, True),
    ("chat_luong_nha_o", {"loai_nha": "thieu_kien_co"}, True),
    ("chat_luong_nha_o", {"loai_nha": "don_so"}, True),
    ("dien_tich_nha_o", {"dien_tich_binh_quan": 7.5}, True),
    ("nuoc_sinh_hoat", {"nguon_nuoc": "song_suoi"}, True),
    ("nuoc_sinh_hoat", {"nguon_nuoc": "gieng_dao_khong_bao_ve"}, True),
    ("nha_tieu", {"nha_tieu": "tu_hoai"}, False),
    ("vien_thong", {"su_dung_internet": "khong"}, True),
    ("tiep_can_thong_tin", {"tai_san": ["xe_may"], "dien_thoai": "thuong"}, True),
]


@pytest.mark.parametrize("indicator, changes, deprived", INDICATORS,
                         ids=[f"{i}-{'thieu' if d else 'du'}" for i, _, d in INDICATORS])
def test_each_indicator_changes_the_status(indicator, changes, deprived):
    before = deprivations(run())[indicator]
    result = run(base_answers(**changes))
    held = deprivations(result)
    assert before is not deprived and held[indicator] is deprived
    assert sum(held.values()) == (3 if deprived else 1)
    assert computed_status(result) == ("ngheo" if deprived else "can_ngheo")
    assert result.outcome("thieu_hut_da_chieu").status == (MET if deprived else NOT_MET)


def test_every_indicator_is_exercised():
    assert {i for i, _, _ in INDICATORS} == {c.id for c in RULESET.outcome("thieu_hut_da_chieu").criteria}


@pytest.mark.parametrize("indicator, changes", [
    ("nguoi_phu_thuoc", {"so_nguoi_phu_thuoc": 2}),  # exactly 50% is not "over 50%"
    ("dien_tich_nha_o", {"dien_tich_binh_quan": 8}),  # exactly 8 m² is enough
    ("chat_luong_nha_o", {"loai_nha": "ban_kien_co"}),
    ("nuoc_sinh_hoat", {"nguon_nuoc": "nuoc_mua"}),
    ("tiep_can_thong_tin", {"tai_san": ["radio"], "dien_thoai": "khong_co"}),
    ("tiep_can_thong_tin", {"tai_san": ["khong_co"], "dien_thoai": "thong_minh"}),
])
def test_indicator_boundaries_not_deprived(indicator, changes):
    assert deprivations(run(base_answers(**changes)))[indicator] is False


@pytest.mark.parametrize("income, area, status", [
    (1_500_000, "nong_thon", "can_ngheo"),  # at the threshold: still under the standard
    (1_500_001, "nong_thon", "muc_song_trung_binh"),
    (2_250_000, "nong_thon", "muc_song_trung_binh"),
    (2_250_001, "nong_thon", "khong_ngheo"),
    (2_000_000, "thanh_thi", "can_ngheo"),
    (2_500_000, "thanh_thi", "muc_song_trung_binh"),
    (3_000_001, "thanh_thi", "khong_ngheo"),
    (0, "nong_thon", "can_ngheo"),
])
def test_income_bands_2026(income, area, status):
    assert computed_status(run(base_answers(thu_nhap_binh_quan_thang=income, khu_vuc=area))) == status


@pytest.mark.parametrize("income, area, status_2026, status_2027", [
    (2_000_000, "nong_thon", "muc_song_trung_binh", "can_ngheo"),
    (2_200_000, "nong_thon", "muc_song_trung_binh", "can_ngheo"),
    (3_000_000, "nong_thon", "khong_ngheo", "muc_song_trung_binh"),
    (2_500_000, "thanh_thi", "muc_song_trung_binh", "can_ngheo"),
    (4_000_000, "thanh_thi", "khong_ngheo", "muc_song_trung_binh"),
])
def test_decree_351_thresholds_from_2027(income, area, status_2026, status_2027):
    answers = base_answers(thu_nhap_binh_quan_thang=income, khu_vuc=area)
    assert computed_status(run(answers, P2026)) == status_2026
    result = run(answers, P2027)
    assert computed_status(result) == status_2027
    assert result.parameters["nguong_ngheo_nong_thon"] == 2_200_000


def test_poor_rule_needs_both_income_and_deprivations():
    many = {"so_nguoi_thieu_viec_lam": 1, "su_dung_internet": "khong", "loai_nha": "don_so"}
    assert computed_status(run(base_answers(**many))) == "ngheo"
    # Deprived households above the threshold are not poor.
    assert computed_status(run(base_answers(**many, thu_nhap_binh_quan_thang=1_600_000))) == "muc_song_trung_binh"


def test_missing_income_leaves_the_status_open():
    result = run(base_answers(thu_nhap_binh_quan_thang=None))
    assert computed_status(result) is None
    # Only 2 deprivations: surely not poor whatever the income; near-poor or average stays open.
    assert result.outcome("computed_poor").status == NOT_MET and result.outcome("computed_poor").determined
    for outcome_id in ("computed_near_poor", "computed_average"):
        outcome = result.outcome(outcome_id)
        assert outcome.status == NOT_MET and outcome.determined is False
    assert result.outcome("thu_nhap_khong_qua_chuan").criteria[0].missing == ("thu_nhap_binh_quan_thang",)


def test_missing_area_leaves_the_status_open():
    assert computed_status(run(base_answers(khu_vuc=None))) is None


def test_missing_member_figures_are_undetermined_not_zero():
    # The form leaves a household figure empty while member answers are incomplete.
    result = run(base_answers(so_nguoi_thieu_bhyt=None))
    assert deprivations(result)["bao_hiem_y_te"] is None
    # 1 known deprivation + 1 unknown: can't be poor (needs 3), but near-poor isn't sure either.
    assert result.outcome("thieu_hut_da_chieu").determined is True
    assert computed_status(result) == "can_ngheo"
    result = run(base_answers(so_nguoi_thieu_bhyt=None, so_nguoi_thieu_viec_lam=1))
    assert result.outcome("thieu_hut_da_chieu").determined is False
    assert computed_status(result) is None


def test_deprivations_do_not_matter_above_the_threshold():
    answers = base_answers(thu_nhap_binh_quan_thang=1_900_000, so_nguoi_thieu_bhyt=None, loai_nha=None)
    assert computed_status(run(answers)) == "muc_song_trung_binh"


def test_three_known_deprivations_are_enough_despite_gaps():
    answers = base_answers(so_nguoi_thieu_viec_lam=1, loai_nha=None, nguon_nuoc=None)
    result = run(answers)
    assert result.outcome("computed_poor").status == MET and computed_status(result) == "ngheo"


def test_comparison_with_the_official_status():
    assert official_equivalent("muc_song_trung_binh") == "khong_ngheo"
    assert disagrees_with_official("muc_song_trung_binh", "khong_ngheo") is False
    assert disagrees_with_official("can_ngheo", "ngheo") is True
    assert disagrees_with_official(None, "ngheo") is None
    assert disagrees_with_official("ngheo", None) is None


def test_everyone_is_in_the_national_population():
    result = score(RULESET, base_answers(), {"ethnic_group": "kinh", "status_start": "khong_ngheo"}, P2026,
                   today=TODAY)
    assert result.in_population is True and computed_status(result) == "can_ngheo"


def test_computed_status_needs_the_status_outcomes():
    from survey_app.core.scoring import ScoreResult

    empty = ScoreResult("x", "1", "h", True, ())
    with pytest.raises(KeyError):
        computed_status(empty)
