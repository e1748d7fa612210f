"""The scoring engine on small hand-written rulesets: combination rules, missing answers, register fallback,
repeats, outcome references, parameters, stored results and explanations."""

from __future__ import annotations

import copy
import json
from types import SimpleNamespace

import pytest

from survey_app.core.scoring import (
    MET,
    NOT_IN_POPULATION,
    NOT_MET,
    Combine,
    ParameterPeriodError,
    ScoreResult,
    resolve_parameters,
    ruleset_from_data,
    score,
)

TODAY = "2024-12-31"


def make_ruleset(outcomes, population="${household.ethnic_group} != 'kinh'", population_optional=None,
                 parameters=None, fallback=None):
    data = {
        "ruleset_id": "thu_nghiem", "version": "1", "title": "Thử nghiệm", "questionnaire": "ho_gia_dinh",
        "parameters": parameters or {},
        "population": {"label": "Hộ DTTS", "expression": population},
        "outcomes": outcomes,
    }
    if population_optional:
        data["population"]["optional"] = population_optional
    if fallback:
        data["household_fallback"] = fallback
    return ruleset_from_data(data, "thu_nghiem.yaml")


def outcome(outcome_id, *criteria, combine="all", **extra):
    return {"id": outcome_id, "label": f"Kết quả {outcome_id}", "combine": combine,
            "criteria": [{"id": f"c{i}", "label": f"Tiêu chí {i}", "expression": expression}
                         if isinstance(expression, str) else expression
                         for i, expression in enumerate(criteria, start=1)], **extra}


HOUSEHOLD = {"code": "H1", "ethnic_group": "ba_na", "members": 3, "status_start": "ngheo", "status_end": None}


@pytest.mark.parametrize("combine, held, expected", [
    (Combine("all"), [True, True], (True, True)),
    (Combine("all"), [True, False], (False, True)),
    (Combine("all"), [True, None], (False, False)),
    (Combine("all"), [False, None], (False, True)),
    (Combine("any"), [False, True], (True, True)),
    (Combine("any"), [False, False], (False, True)),
    (Combine("any"), [False, None], (False, False)),
    (Combine("any"), [None, True], (True, True)),
    (Combine("at_least", 2), [True, True, False], (True, True)),
    (Combine("at_least", 2), [True, False, False], (False, True)),
    (Combine("at_least", 2), [True, None, False], (False, False)),
    (Combine("at_least", 2), [True, True, None], (True, True)),
])
def test_combine_uses_three_valued_logic(combine, held, expected):
    assert combine.decide(held) == expected


def test_all_any_at_least_outcomes():
    ruleset = make_ruleset([
        outcome("tat_ca", "${a} = 'co'", "${b} = 'co'"),
        outcome("mot_trong", "${a} = 'co'", "${b} = 'co'", combine="any"),
        outcome("hai_trong_ba", "${a} = 'co'", "${b} = 'co'", "${c} > 5", combine="at_least 2"),
    ])
    result = score(ruleset, {"a": "co", "b": "khong", "c": 7}, HOUSEHOLD, {}, today=TODAY)
    assert result.statuses == {"tat_ca": NOT_MET, "mot_trong": MET, "hai_trong_ba": MET}
    assert [c.held for c in result.outcome("hai_trong_ba").criteria] == [True, False, True]


def test_missing_required_answer_is_undetermined_and_never_met():
    # Evaluated naively, not('' = 'co') would be true: the missing-answer rule must stop that.
    ruleset = make_ruleset([outcome("khong_tao_hon", "not(${tao_hon} = 'co')")])
    result = score(ruleset, {}, HOUSEHOLD, {}, today=TODAY)
    item = result.outcome("khong_tao_hon")
    assert item.status == NOT_MET and item.determined is False
    assert item.criteria[0].held is None and item.criteria[0].missing == ("tao_hon",)
    assert "thiếu dữ liệu tao_hon" in item.criteria[0].explanation
    assert "tạm tính là không đạt" in item.explanation


@pytest.mark.parametrize("empty", [None, "", []])
def test_empty_values_count_as_missing(empty):
    ruleset = make_ruleset([outcome("o", "count-selected(${tai_san}) = 0 or ${tai_san} = ''")])
    assert score(ruleset, {"tai_san": empty}, HOUSEHOLD, {}, today=TODAY).outcome("o").criteria[0].held is None


def test_optional_answer_may_be_absent():
    criterion = {"id": "tre", "label": "Trẻ đi học", "expression": "${so_tre} = 0 or ${tre_den_truong} = 'co'",
                 "optional": ["tre_den_truong"]}
    ruleset = make_ruleset([outcome("o", criterion)])
    def held(answers):
        return score(ruleset, answers, HOUSEHOLD, {}, today=TODAY).outcome("o").criteria[0].held
    assert held({"so_tre": 0}) is True
    assert held({"so_tre": 2, "tre_den_truong": "co"}) is True
    assert held({"so_tre": 2}) is False  # the optional answer reads as empty: never met through it
    assert held({}) is None  # so_tre stays required


def test_expression_with_empty_value_is_undetermined():
    criterion = {"id": "c", "label": "Đầu năm", "expression": "coalesce(${a}, ${b})", "optional": ["a", "b"]}
    ruleset = make_ruleset([outcome("o", criterion)])
    assert score(ruleset, {}, HOUSEHOLD, {}, today=TODAY).outcome("o").criteria[0].held is None
    assert score(ruleset, {"b": "x"}, HOUSEHOLD, {}, today=TODAY).outcome("o").criteria[0].held is True


def test_household_outside_population_and_undetermined_population():
    ruleset = make_ruleset([outcome("o", "${a} = 'co'")])
    outside = score(ruleset, {"a": "co"}, {**HOUSEHOLD, "ethnic_group": "kinh"}, {}, today=TODAY)
    assert outside.in_population is False
    assert outside.outcome("o").status == NOT_IN_POPULATION and outside.outcome("o").criteria == ()
    unknown = score(ruleset, {"a": "co"}, {**HOUSEHOLD, "ethnic_group": None}, {}, today=TODAY)
    assert unknown.in_population is None and unknown.outcome("o").status == NOT_IN_POPULATION
    assert unknown.outcome("o").population_missing == ("household.ethnic_group",)
    assert "dân tộc (sổ hộ)" in unknown.outcome("o").explanation


def test_outcome_population_override():
    ruleset = make_ruleset([
        outcome("chung", "${a} = 'co'"),
        outcome("rieng", "${household.status_end} != 'ngheo'",
                population={"label": "Hộ nghèo đầu năm", "expression": "${household.status_start} = 'ngheo'"}),
    ])
    poor = score(ruleset, {"a": "co"}, {**HOUSEHOLD, "status_end": "can_ngheo"}, {}, today=TODAY)
    assert poor.statuses == {"chung": MET, "rieng": MET}
    near = score(ruleset, {"a": "co"}, {**HOUSEHOLD, "status_start": "can_ngheo"}, {}, today=TODAY)
    assert near.statuses == {"chung": MET, "rieng": NOT_IN_POPULATION}
    assert "Hộ nghèo đầu năm" in near.outcome("rieng").explanation


def test_register_fallback_to_answers():
    ruleset = make_ruleset([outcome("o", "${household.status_start} = 'ngheo'")],
                           fallback={"ethnic_group": "dan_toc", "status_start": "tinh_trang"})
    register = {"code": "H2"}  # nothing official recorded yet
    result = score(ruleset, {"dan_toc": "xo_dang", "tinh_trang": "ngheo"}, register, {}, today=TODAY)
    assert result.in_population is True and result.outcome("o").status == MET
    official = {"code": "H2", "ethnic_group": "kinh", "status_start": "ngheo"}
    assert score(ruleset, {"dan_toc": "xo_dang"}, official, {}, today=TODAY).in_population is False


def test_household_may_be_an_object():
    ruleset = make_ruleset([outcome("o", "${household.members} >= 3 and ${household.code} = 'H9'")])
    record = SimpleNamespace(code="H9", ethnic_group="hre", members=4, status_start="ngheo", status_end=None)
    assert score(ruleset, {}, record, {}, today=TODAY).outcome("o").status == MET


def test_repeat_columns_and_repeat_row_numbers():
    ruleset = make_ruleset([outcome("o", "max(${tuoi}) >= 60", "count(${thanh_vien}) = 3",
                                    "sum(${thieu_bhyt}) = 1")])
    answers = {"thanh_vien": [{"tuoi": 64, "thieu_bhyt": 1}, {"tuoi": 30, "thieu_bhyt": 0}, {"tuoi": 2}]}
    result = score(ruleset, answers, HOUSEHOLD, {}, today=TODAY)
    assert [c.held for c in result.outcome("o").criteria] == [True, True, True]


def test_outcome_references_follow_earlier_results():
    ruleset = make_ruleset([
        outcome("co_so", "${a} = 'co'"),
        outcome("ngoai", "${a} = 'co'", population={"label": "Không ai", "expression": "false()"}),
        outcome("dua_vao", "${outcome.co_so}"),
        outcome("phu_dinh", "not(${outcome.co_so})"),
        outcome("tu_ngoai", "${outcome.ngoai} or ${b} = 'x'"),
    ])
    met = score(ruleset, {"a": "co", "b": "x"}, HOUSEHOLD, {}, today=TODAY)
    assert met.statuses == {"co_so": MET, "ngoai": NOT_IN_POPULATION, "dua_vao": MET, "phu_dinh": NOT_MET,
                            "tu_ngoai": NOT_MET}
    assert met.outcome("tu_ngoai").criteria[0].missing == ("outcome.ngoai",)
    not_met = score(ruleset, {"a": "khong"}, HOUSEHOLD, {}, today=TODAY)
    assert not_met.statuses["phu_dinh"] == MET
    unknown = score(ruleset, {}, HOUSEHOLD, {}, today=TODAY)
    assert unknown.outcome("dua_vao").criteria[0].held is None
    assert unknown.outcome("phu_dinh").criteria[0].held is None  # not(unknown) stays unknown


PARAMETERS = {"nguong": {"label": "Ngưỡng", "periods": [
    {"from": "2022-01-01", "to": "2026-12-31", "value": 1500000},
    {"from": "2027-01-01", "to": None, "value": 2200000},
]}}


def test_parameters_resolve_by_period_inclusive():
    ruleset = make_ruleset([outcome("o", "${thu_nhap} <= ${param.nguong}")], parameters=PARAMETERS)
    assert resolve_parameters(ruleset, "2022-01-01") == {"nguong": 1500000}
    assert resolve_parameters(ruleset, "2026-12-31") == {"nguong": 1500000}
    assert resolve_parameters(ruleset, "2027-01-01") == {"nguong": 2200000}
    result = score(ruleset, {"thu_nhap": 2000000}, HOUSEHOLD, resolve_parameters(ruleset, "2027-06-30"), today=TODAY)
    assert result.outcome("o").status == MET and result.parameters == {"nguong": 2200000}


def test_uncovered_parameter_date():
    ruleset = make_ruleset([outcome("o", "${thu_nhap} <= ${param.nguong}")], parameters=PARAMETERS)
    with pytest.raises(ParameterPeriodError) as raised:
        resolve_parameters(ruleset, "2021-12-31")
    assert raised.value.names == ["nguong"]
    assert '"nguong"' in raised.value.message and "31/12/2021" in raised.value.message
    lenient = resolve_parameters(ruleset, "2021-12-31", strict=False)
    assert lenient == {"nguong": None}
    criterion = score(ruleset, {"thu_nhap": 1}, HOUSEHOLD, lenient, today=TODAY).outcome("o").criteria[0]
    assert criterion.held is None and criterion.missing == ("param.nguong",)


def test_parameters_missing_from_the_call_is_a_caller_error():
    ruleset = make_ruleset([outcome("o", "${thu_nhap} <= ${param.nguong}")], parameters=PARAMETERS)
    with pytest.raises(ValueError, match="nguong"):
        score(ruleset, {"thu_nhap": 1}, HOUSEHOLD, {}, today=TODAY)


def test_today_is_passed_to_expressions():
    ruleset = make_ruleset([outcome("o", "${ngay_khao_sat} <= today()")])
    assert score(ruleset, {"ngay_khao_sat": "2024-06-01"}, HOUSEHOLD, {}, today="2024-12-31").outcome("o").met
    assert not score(ruleset, {"ngay_khao_sat": "2025-06-01"}, HOUSEHOLD, {}, today="2024-12-31").outcome("o").met


@pytest.mark.parametrize("answers", [
    {"a": {"x": 1}, "b": [[1, 2], "z"], "c": "không phải số"},
    {"a": 3.5, "b": True, "c": float("nan")},
    {"a": ["co"], "b": None, "c": [{"tuoi": "?"}]},
])
def test_odd_answer_data_never_crashes(answers):
    ruleset = make_ruleset([outcome("o", "${a} = 'co'", "${b} + ${c} > 2", "sum(${c}) div 0 > 1", combine="any")])
    result = score(ruleset, answers, HOUSEHOLD, {}, today=TODAY)
    assert result.outcome("o").status in (MET, NOT_MET)


def test_score_does_not_mutate_its_arguments():
    ruleset = make_ruleset([outcome("o", "sum(${tuoi}) > 1", "${household.status_start} = 'ngheo'")],
                           fallback={"status_start": "tinh_trang"})
    answers = {"thanh_vien": [{"tuoi": 3}], "tinh_trang": "ngheo"}
    household = {"code": "H3", "ethnic_group": "hre"}
    before = (copy.deepcopy(answers), copy.deepcopy(household))
    score(ruleset, answers, household, {}, today=TODAY)
    assert (answers, household) == before


def test_result_round_trips_through_json():
    ruleset = make_ruleset([
        outcome("a", "${x} = 'co'", "${y} > 1", combine="any"),
        outcome("b", "${x} = 'co'", population={"label": "Không ai", "expression": "false()"}),
        outcome("c", "${z} = 1", internal=True),
    ], parameters=PARAMETERS)
    result = score(ruleset, {"x": "co"}, HOUSEHOLD, resolve_parameters(ruleset, "2024-12-31"), today=TODAY)
    stored = json.loads(json.dumps(result.to_data()))
    assert ScoreResult.from_data(stored) == result
    assert stored["ruleset_id"] == "thu_nghiem" and stored["content_hash"] == ruleset.content_hash
    assert stored["outcomes"][2]["internal"] is True
    assert stored["outcomes"][2]["criteria"][0] == {"id": "c1", "label": "Tiêu chí 1", "held": None,
                                                    "missing": ["z"]}


@pytest.mark.parametrize("damage", [
    lambda data: data["outcomes"][0].update(status="dat"),
    lambda data: data["outcomes"][0]["criteria"][0].update(held="yes"),
    lambda data: data.update(in_population="co"),
    lambda data: data.pop("outcomes"),
])
def test_from_data_refuses_damaged_results(damage):
    ruleset = make_ruleset([outcome("a", "${x} = 'co'")])
    data = score(ruleset, {"x": "co"}, HOUSEHOLD, {}, today=TODAY).to_data()
    damage(data)
    with pytest.raises((ValueError, KeyError)):
        ScoreResult.from_data(data)


def test_explanations_in_vietnamese():
    ruleset = make_ruleset([outcome("a", "${x} = 'co'", "${y} = 'co'", "${z} = 'co'", combine="at_least 2")])
    result = score(ruleset, {"x": "co", "y": "khong"}, HOUSEHOLD, {}, today=TODAY)
    item = result.outcome("a")
    assert [c.explanation for c in item.criteria] == [
        "Đạt — Tiêu chí 1", "Không đạt — Tiêu chí 2", "Chưa xác định — Tiêu chí 3: thiếu dữ liệu z"]
    assert item.explanation == ("Không đạt: đạt 1/3 tiêu chí (cần đạt ít nhất 2 tiêu chí); 1 tiêu chí chưa xác "
                                "định do thiếu dữ liệu, tạm tính là không đạt")
    assert item.criteria[2].explain({"z": "Có ti vi không?"}).endswith("thiếu dữ liệu “Có ti vi không?”")
