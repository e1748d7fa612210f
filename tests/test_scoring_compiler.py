"""The scoring compiler must give exactly what the expression evaluator gives."""

from __future__ import annotations

import pytest

from survey_app.core.expressions import ExpressionError, evaluate, parse
from survey_app.core.scoring import load_ruleset
from survey_app.core.scoring.compiler import compile_expression
from tests.test_expr_fixtures import load_cases, random_cases, same_value
from tests.test_scoring_fixtures import CAMPAIGN_PATH, NATIONAL_PATH, TODAY, base_answers

_VALUE_CASES = [case for case in load_cases() if not case.get("error")]


@pytest.mark.parametrize("case", _VALUE_CASES, ids=lambda case: case["source"][:60])
def test_compiled_matches_shared_vectors(case):
    compiled = compile_expression(parse(case["source"]))
    assert same_value(compiled(case["env"], case["today"], case["current"]), case["expect"])


def test_compiled_matches_evaluator_on_random_expressions():
    checked = 0
    for source, env, current in random_cases(seed=20241, count=3000):
        try:
            expression = parse(source)
        except ExpressionError:
            continue
        expected = evaluate(expression, env, current=current, today=TODAY)
        actual = compile_expression(expression)(env, TODAY, current)
        assert same_value(actual, expected), source
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize("path", [CAMPAIGN_PATH, NATIONAL_PATH], ids=["cuoc_van_dong", "chuan_ngheo"])
def test_compiled_matches_evaluator_on_shipped_rulesets(path):
    ruleset = load_ruleset(path)
    households = [base_answers(), base_answers(tai_san=None, so_nguoi_phu_thuoc=3, loai_nha="don_so"), {}]
    for answers in households:
        env = {**answers, "household.status_end": "ngheo", "param.thu_nhap_binh_quan_dtts": 1800000}
        for _, _, check in ruleset.checks():
            assert same_value(check.compiled(env, TODAY, None),
                              evaluate(check.expression, env, today=TODAY)), check.source


def test_malformed_ast_is_refused_at_compile_time():
    with pytest.raises(ExpressionError):
        compile_expression(["bogus", 1])
    with pytest.raises(ExpressionError):
        compile_expression(["call", "not"])
