"""Targets: parsing, nearest-ancestor overrides and the met test (pure, no database)."""
import pytest

from survey_app.reports.rollup import Target, nearest_target
from survey_app.reports.targets import TargetError, parse_target

TARGETS = [
    Target("mindset_changed", None, ">=", 15),
    Target("mindset_changed", "/1/6/", ">=", 70),  # Kon Plông
    Target("mindset_changed", "/1/6/40/", ">", 80),  # one commune of Kon Plông
    Target("informed", None, ">=", 100),
]


@pytest.mark.parametrize("path, expected", [
    ("/1/", 15), ("/1/2/9/", 15), ("/1/6/", 70), ("/1/6/41/300/", 70), ("/1/6/40/", 80), ("/1/6/40/301/", 80),
    ("/1/60/", 15),  # a sibling whose id starts with the same digits is not inside /1/6/
])
def test_nearest_ancestor_target_wins(path, expected):
    assert nearest_target(TARGETS, "mindset_changed", path).percent == expected


def test_no_target_for_an_outcome_without_one():
    assert nearest_target(TARGETS, "cooperative", "/1/") is None


@pytest.mark.parametrize("operator, percent, count, population, met", [
    (">=", 15, 15, 100, True), (">=", 15, 149, 1000, False), (">", 40, 40, 100, False), (">", 40, 41, 100, True),
    ("<=", 10, 10, 100, True), ("<", 10, 10, 100, False), (">=", 65.9, 1714, 2598, True), (">=", 66, 1714, 2598, False),
])
def test_met_uses_exact_arithmetic(operator, percent, count, population, met):
    assert Target("x", None, operator, percent).reached(count, population) is met


def test_no_households_means_no_verdict():
    assert Target("x", None, ">=", 5).reached(0, 0) is None


@pytest.mark.parametrize("text, parsed", [(">= 15", (">=", 15.0)), ("≥ 70%", (">=", 70.0)), ("> 40,5", (">", 40.5)),
                                          ("<=10", ("<=", 10.0))])
def test_parse_target(text, parsed):
    assert parse_target(text) == parsed


@pytest.mark.parametrize("text", ["15", "=> 15", ">= 150", ">= abc"])
def test_parse_target_refuses_bad_text(text):
    with pytest.raises(TargetError):
        parse_target(text)


def test_target_text_is_vietnamese():
    assert Target("x", None, ">=", 40.5).text == "≥ 40,5%"
    assert Target("x", None, ">", 25).text == "> 25%"
