"""The whole-answer-set vectors (tests/vectors/answer_sets.json): loading, the definitions they name, and the
comparison of one engine's results with the expected ones (shared by the Python, Node and Chromium runs)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from survey_app.core.questionnaire import Definition, definition_from_data, load_definition

ROOT = Path(__file__).resolve().parents[2]
VECTORS_PATH = ROOT / "tests" / "vectors" / "answer_sets.json"


@cache
def vectors() -> dict[str, Any]:
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def cases() -> list[dict[str, Any]]:
    return vectors()["cases"]


def form_key(case: dict[str, Any]) -> str:
    return case.get("form") or case["form_file"]


@cache
def definition(key: str) -> Definition:
    forms = vectors()["forms"]
    return definition_from_data(forms[key], key) if key in forms else load_definition(ROOT / key)


def compiled_forms() -> dict[str, Any]:
    """Every form the vectors name, compiled as the server hands it to the browser."""
    return {key: definition(key).compiled() for key in {form_key(case) for case in cases()}}


def mismatches(results: list[dict[str, Any]]) -> list[str]:
    """One line per case whose errors or answers differ from the expected ones (numbers compare by value)."""
    assert len(results) == len(cases())
    failures = []
    for case, result in zip(cases(), results):
        if "thrown" in result:
            failures.append(f"{case['name']}: threw {result['thrown']}")
            continue
        if result["errors"] != case["expect_errors"] or list(result["errors"]) != list(case["expect_errors"]):
            failures.append(f"{case['name']}: errors {result['errors']!r}, expected {case['expect_errors']!r}")
        if _plain(result["answers"]) != _plain(case["expect_answers"]):
            failures.append(f"{case['name']}: answers {result['answers']!r}, expected {case['expect_answers']!r}")
    return failures


def _plain(value: Any) -> Any:
    """Key order kept out of the comparison, booleans kept apart from numbers."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return (type(value).__name__, value) if isinstance(value, bool) else value
