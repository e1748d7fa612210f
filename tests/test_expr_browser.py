"""The browser evaluator (survey_app/static/js/expr.js) in headless Chromium: every
non-error vector is parsed in Python and its AST evaluated in the page, and thousands of
random expressions must give exactly the Python result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from survey_app.core.expressions import evaluate, parse, truthy
from tests.support.expr import DEFAULT_TODAY, load_cases, random_cases, same_value

pytestmark = pytest.mark.browser

EXPR_JS = Path(__file__).resolve().parent.parent / "survey_app" / "static" / "js" / "expr.js"

# Evaluates a batch of [ast, env, current, today] in one call. Errors are returned as
# {"error": message} so that one bad case cannot hide the others.
_EVALUATE_BATCH = """
(batch) => batch.map(([ast, env, current, today]) => {
  try { return {value: window.SurveyExpr.evaluate(ast, env, current, today)}; }
  catch (e) { return {error: String(e && e.message || e)}; }
})
"""


@pytest.fixture(scope="module")
def page(chromium):
    """A blank page with expr.js loaded (Chromium from tests/support/browser.py, skipped when it is missing)."""
    browser_page = chromium.new_page()
    browser_page.set_content("<!doctype html><html><body></body></html>")
    browser_page.add_script_tag(path=str(EXPR_JS))
    yield browser_page
    browser_page.close()


def _evaluate_in_browser(page, batch):
    # The batch travels as JSON text so that Python and the page see the same numbers.
    results = page.evaluate(f"({_EVALUATE_BATCH})(JSON.parse({json.dumps(json.dumps(batch))}))")
    assert len(results) == len(batch)
    return results


def test_global_api_is_exposed(page):
    assert page.evaluate("typeof window.SurveyExpr.evaluate") == "function"
    assert page.evaluate("typeof window.SurveyExpr.truthy") == "function"


def test_vectors_give_expected_values_in_browser(page):
    cases = [case for case in load_cases() if not case.get("error")]
    batch = [
        [parse(case["source"]).ast, case["env"], case["current"], case["today"] or DEFAULT_TODAY]
        for case in cases
    ]
    results = _evaluate_in_browser(page, batch)
    failures = []
    for case, result in zip(cases, results):
        if "error" in result:
            failures.append(f"{case['source']!r}: threw {result['error']}")
        elif not same_value(result["value"], case["expect"]):
            failures.append(f"{case['source']!r}: gave {result['value']!r}, expected {case['expect']!r}")
    assert not failures, "\n".join(failures)


def test_random_expressions_match_python_exactly(page):
    cases = random_cases(seed=7, count=4000)
    batch = [[parse(source).ast, env, current, DEFAULT_TODAY] for source, env, current in cases]
    results = _evaluate_in_browser(page, batch)
    failures = []
    for (source, env, current), result in zip(cases, results):
        expected = evaluate(parse(source), env, current=current, today=DEFAULT_TODAY)
        actual = result.get("value", result)
        # Identical semantics means identical doubles: no tolerance here.
        if not (same_value(actual, expected) and json.dumps(actual) == json.dumps(expected)):
            failures.append(f"{source!r} env={env!r} current={current!r}: js={actual!r} py={expected!r}")
    assert not failures, f"{len(failures)} mismatches, first ones:\n" + "\n".join(failures[:10])


def test_truthiness_matches_python(page):
    values = [None, "", "0", "false", 0, 1, -0.5, 2.5, [], ["a"], True, False, "Đ"]
    results = page.evaluate(
        f"JSON.parse({json.dumps(json.dumps(values))}).map((v) => window.SurveyExpr.truthy(v))"
    )
    assert results == [truthy(value) for value in values]


def test_malformed_ast_throws_in_browser(page):
    malformed = [["bogus", 1], ["call", "eval", ["str", "1"]], ["+", ["num", 1]]]
    results = _evaluate_in_browser(page, [[ast, {}, None, DEFAULT_TODAY] for ast in malformed])
    assert all("không hợp lệ" in result.get("error", "") for result in results)


def test_today_defaults_to_the_device_date(page):
    today = page.evaluate("window.SurveyExpr.evaluate(['call', 'today'], {})")
    assert len(today) == 10 and today[4] == "-" and today[7] == "-"


def test_prototype_names_are_not_answers(page):
    result = page.evaluate("window.SurveyExpr.evaluate(['ref', 'constructor'], {})")
    assert result is None
