"""The Python evaluator compiles an AST once into closures (survey_app/core/expressions/compiler.py).

Its results against the shared vectors are checked here and in tests/test_expr_python.py; the browser twin
(expr.js) is compared with it on the vectors and on random expressions in tests/test_expr_browser.py.
"""

from __future__ import annotations

import pytest

from survey_app.core.expressions import ExpressionError, parse
from survey_app.core.expressions.compiler import MAX_AST_DEPTH, compile_expression
from survey_app.core.scoring import load_ruleset
from tests.support.expr import load_cases, same_value
from tests.support.scoring import CAMPAIGN_PATH, NATIONAL_PATH

_VALUE_CASES = [case for case in load_cases() if not case.get("error")]


@pytest.mark.parametrize("case", _VALUE_CASES, ids=lambda case: case["source"][:60])
def test_compiled_matches_shared_vectors(case):
    compiled = compile_expression(parse(case["source"]))
    assert same_value(compiled(case["env"], case["today"], case["current"]), case["expect"])


def test_parsed_expression_is_compiled_once():
    expression = parse("${a} + 1")
    assert expression.compiled is expression.compiled
    assert expression.compiled({"a": 2}, "2024-01-01", None) == 3


@pytest.mark.parametrize("path", [CAMPAIGN_PATH, NATIONAL_PATH], ids=["cuoc_van_dong", "chuan_ngheo"])
def test_rulesets_compile_their_checks_while_loading(path):
    ruleset = load_ruleset(path)
    for _, _, check in ruleset.checks():
        assert "compiled" in vars(check.expression), check.source


def test_malformed_ast_is_refused_at_compile_time():
    with pytest.raises(ExpressionError):
        compile_expression(["bogus", 1])
    with pytest.raises(ExpressionError):
        compile_expression(["call", "not"])


def test_hand_built_ast_nested_too_deep_is_refused():
    ast = ["num", 1]
    for _ in range(MAX_AST_DEPTH + 1):
        ast = ["neg", ast]
    with pytest.raises(ExpressionError) as caught:
        compile_expression(ast)
    assert "lồng nhau quá sâu" in caught.value.message
