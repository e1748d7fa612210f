"""The Python parser and evaluator of the expression language, against the shared vectors
plus unit tests for error reporting, bounds and robustness."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from decimal import Decimal

import pytest

from survey_app.core.expressions import (
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_LENGTH,
    MAX_STRING_LENGTH,
    Expression,
    ExpressionError,
    evaluate,
    parse,
    to_string,
    truthy,
)
from tests.support.expr import DEFAULT_TODAY, case_id, load_cases, random_cases, same_value

CASES = load_cases()


def test_vector_file_covers_enough_cases():
    errors = [case for case in CASES if case.get("error")]
    assert len(CASES) >= 130
    assert len(errors) >= 20
    sources = [case["source"] for case in CASES]
    for function in ("not(", "if(", "selected(", "count-selected(", "string-length(", "coalesce(",
                     "today(", "sum(", "count(", "max(", "min(", "int(", "round(", "number(",
                     "concat(", "true(", "false(", "boolean(", "string("):
        assert any(function in source for source in sources), function
    for operator in (" = ", " != ", " < ", " <= ", " > ", " >= ", " and ", " or ", " + ", " - ",
                     " * ", " div ", " mod "):
        assert any(operator in source for source in sources), operator


@pytest.mark.parametrize("case", [c for c in CASES if not c.get("error")], ids=case_id)
def test_vector_evaluates_to_expected_value(case):
    expression = parse(case["source"])
    today = case["today"] or DEFAULT_TODAY
    result = evaluate(expression, case["env"], current=case["current"], today=today)
    assert same_value(result, case["expect"]), f"{case['source']!r} gave {result!r}"


@pytest.mark.parametrize("case", [c for c in CASES if c.get("error")], ids=case_id)
def test_vector_is_rejected_by_parser(case):
    with pytest.raises(ExpressionError) as caught:
        parse(case["source"])
    error = caught.value
    assert error.message.startswith("Lỗi cú pháp ở vị trí ")
    if "position" in case:
        assert error.position == case["position"]
        assert f"vị trí {case['position'] + 1}:" in error.message


# ---- error reporting ------------------------------------------------------------------------

def test_error_message_is_vietnamese_with_one_based_position():
    with pytest.raises(ExpressionError) as caught:
        parse("if(${a} > 1, 'x', 'y'")
    assert caught.value.position == 21
    assert caught.value.message == "Lỗi cú pháp ở vị trí 22: thiếu dấu ')'"
    assert str(caught.value) == caught.value.message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("foo(1)", "hàm không xác định 'foo'"),
        ("if(1, 2)", "hàm 'if' cần đúng 3 đối số, nhưng có 2"),
        ("round()", "hàm 'round' cần từ 1 đến 2 đối số, nhưng có 0"),
        ("concat()", "hàm 'concat' cần ít nhất 1 đối số, nhưng có 0"),
        ("today(1)", "hàm 'today' cần không có đối số nào, nhưng có 1"),
        ("'abc", "chuỗi chưa được đóng"),
        ("tuoi > 5", "phải viết dạng ${tuoi}"),
        ("1 == 2", "dùng '=' để so sánh bằng"),
        ("", "biểu thức rỗng"),
    ],
)
def test_error_messages_explain_the_problem(source, fragment):
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert fragment in caught.value.message


def test_unknown_function_position_points_at_its_name():
    with pytest.raises(ExpressionError) as caught:
        parse("${a} + lam_tron(${b})")
    assert caught.value.position == 7


# ---- bounds -----------------------------------------------------------------------------------

def test_source_length_limit_is_exact():
    longest = "1" + " " * (MAX_SOURCE_LENGTH - 1)
    assert evaluate(parse(longest), {}) == 1
    with pytest.raises(ExpressionError) as caught:
        parse(longest + " ")
    assert "quá dài (tối đa 2.000 ký tự)" in caught.value.message


def test_nesting_limit_is_exact():
    assert evaluate(parse("(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH), {}) == 1
    with pytest.raises(ExpressionError) as caught:
        parse("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    assert "lồng nhau quá sâu" in caught.value.message


def test_nested_function_calls_are_limited():
    source = "not(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5)
    with pytest.raises(ExpressionError):
        parse(source)


def test_node_limit():
    within = "+".join(["1"] * (MAX_NODES - 1))  # MAX_NODES - 1 numbers under one '+' node
    assert evaluate(parse(within), {}) == MAX_NODES - 1
    with pytest.raises(ExpressionError) as caught:
        parse(within + "+1")
    assert "quá phức tạp" in caught.value.message


def test_long_alternating_chain_is_rejected_not_recursed():
    source = "1" + " - 1 + 1" * 120
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert "lồng nhau quá sâu" in caught.value.message


def test_long_checklist_of_or_stays_shallow():
    source = " or ".join(f"selected(${{ts}}, 'k{i}')" for i in range(60))
    expression = parse(source)
    assert expression.ast[0] == "or" and len(expression.ast) == 61
    assert evaluate(expression, {"ts": ["k59"]}) is True
    assert evaluate(expression, {"ts": []}) is False


def test_concat_result_is_capped():
    result = evaluate(parse("concat(${s}, ${s}, ${s})"), {"s": "x" * 6000})
    assert len(result) == MAX_STRING_LENGTH


# ---- Expression object and API ---------------------------------------------------------------

def test_expression_metadata():
    expression = parse("${age} >= 6 and ${age} <= 18 or . = ${hh.size}")
    assert isinstance(expression, Expression)
    assert expression.source == "${age} >= 6 and ${age} <= 18 or . = ${hh.size}"
    assert expression.references == frozenset({"age", "hh.size"})
    assert expression.uses_current is True
    assert parse("1 + 1").uses_current is False
    assert parse("'${not_a_reference}'").references == frozenset()


def test_ast_is_plain_json_and_evaluates_after_round_trip():
    expression = parse("if(selected(${sm}, 'a'), concat('x', -${n} div 4), coalesce(${m}, 0.5))")
    text = json.dumps(expression.ast)
    ast = json.loads(text)
    assert ast == expression.ast
    assert evaluate(ast, {"sm": ["a"], "n": 2}) == "x-0.5"
    assert evaluate(ast, {"sm": ["b"]}) == 0.5


def test_evaluate_accepts_source_text_and_default_today():
    assert evaluate("today()", {}) == date.today().isoformat()
    assert evaluate("today()", {}, today=date(2025, 7, 1)) == "2025-07-01"
    assert evaluate("today()", {}, today=datetime(2025, 7, 1, 23, 59)) == "2025-07-01"
    assert evaluate("1 + 1") == 2


def test_integral_results_are_ints():
    for source in ("1.5 * 2", "6 div 3", "sum(${x})", "round(2.4)", "int(3.9)", "'4.0' + 0"):
        result = evaluate(source, {"x": [0.5, 1.5]})
        assert type(result) is int, source
        assert json.dumps(result) == json.dumps(int(result))


def test_application_types_are_converted():
    env = {
        "d": date(2026, 1, 2),
        "t": datetime(2026, 1, 2, 10, 30),
        "m": Decimal("1500000.50"),
        "tuple": ("a", ("b", "c")),
        "nan": float("nan"),
        "huge": 10**400,
        "mapping": {"x": 1},
    }
    assert evaluate("${d} = '2026-01-02' and ${t} = ${d}", env) is True
    assert evaluate("${m} * 2", env) == 3000001
    assert evaluate("count-selected(${tuple})", env) == 3
    assert evaluate("${nan} + 1", env) is None
    assert evaluate("boolean(${nan})", env) is False
    assert evaluate("${huge} + 1", env) is None
    assert evaluate("${mapping}", env) is None


def test_truthy_is_exported_with_language_rules():
    for value in (None, "", 0, 0.0, float("nan"), [], (), False):
        assert truthy(value) is False, value
    for value in ("0", "false", 1, -0.5, ["a"], True, "Đ"):
        assert truthy(value) is True, value


def test_number_text_never_uses_exponent():
    assert to_string(1e-7) == "0.0000001"
    assert to_string(1.5e22) == "15000000000000000000000"
    assert to_string(-123.456) == "-123.456"


@pytest.mark.parametrize(
    "ast",
    [
        ["bogus", 1],
        ["+", ["num", 1]],
        ["call", "eval", ["str", "1"]],
        ["call", "if", ["num", 1]],
        ["num", "1"],
        ["ref", 3],
        {"not": "a node"},
        [],
    ],
    ids=repr,
)
def test_malformed_ast_raises_expression_error(ast):
    with pytest.raises(ExpressionError) as caught:
        evaluate(ast, {})
    assert caught.value.position is None
    assert caught.value.message.startswith("Biểu thức đã biên dịch không hợp lệ")


def test_hand_built_deep_ast_is_refused_without_recursion_error():
    ast: list = ["num", 1]
    for _ in range(5000):
        ast = ["neg", ast]
    with pytest.raises(ExpressionError):
        evaluate(ast, {})


# ---- robustness: evaluation never raises on data ----------------------------------------------

def test_random_expressions_never_raise_on_any_data():
    checked = 0
    for source, env, current in random_cases(seed=20261122, count=3000):
        expression = parse(source)
        result = evaluate(expression, env, current=current, today=DEFAULT_TODAY)
        assert result is None or isinstance(result, (bool, int, float, str, list))
        if isinstance(result, float):
            assert math.isfinite(result)
        json.dumps(result)
        checked += 1
    assert checked == 3000
