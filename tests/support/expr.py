"""Helpers shared by the expression-language tests: vector loading, value comparison and a
seeded generator of random expressions used to cross-check the two evaluators."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

VECTORS_PATH = Path(__file__).resolve().parents[1] / "vectors" / "expressions.json"
DEFAULT_TODAY = "2026-11-22"


def load_cases() -> list[dict[str, Any]]:
    return json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["cases"]


def case_id(case: dict[str, Any]) -> str:
    source = case["source"]
    label = source if len(source) <= 60 else source[:57] + "..."
    return ("ERR " if case.get("error") else "") + label


def same_value(actual: Any, expected: Any) -> bool:
    """Equality of language values: numbers within a small relative tolerance, booleans
    distinct from numbers, lists element by element."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(actual) == len(expected) and all(map(same_value, actual, expected))
    return type(actual) is type(expected) and actual == expected


# ---- random expressions for differential testing ------------------------------------------

_NAMES = ["a", "b", "c", "sm", "rep"]
_VALUES: list[Any] = [
    None, "", "0", "1", "-2.5", " 7 ", "abc", "a b", "2026-11-22", "2025-01-31", "Đắk",
    0, 1, -1, 2.5, -0.75, 1e21, 123456789.125, 1e-7, True, False,
    [], ["a"], ["a", "b"], [1, "2", None, ""], [0.1, 0.2, 0.3], ["x", 3],
]
_BINARY = ["and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
_FUNCTION_ARITY = {
    "not": 1, "if": 3, "selected": 2, "count-selected": 1, "string-length": 1, "coalesce": 2,
    "today": 0, "sum": 1, "count": 1, "max": 2, "min": 1, "int": 1, "round": 2, "number": 1,
    "concat": 3, "true": 0, "false": 0, "boolean": 1, "string": 1,
}
_LITERALS = ["0", "1", "2.5", ".5", "3", "'a'", "'b'", "''", "'10'", "'2026-01-01'", "-4"]


def random_source(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth >= 4 or roll < 0.3:
        leaf = rng.random()
        if leaf < 0.45:
            return "${%s}" % rng.choice(_NAMES)
        if leaf < 0.55:
            return "."
        return rng.choice(_LITERALS)
    if roll < 0.6:
        left, right = random_source(rng, depth + 1), random_source(rng, depth + 1)
        return f"({left} {rng.choice(_BINARY)} {right})"
    if roll < 0.65:
        return "-" + random_source(rng, depth + 1)
    name = rng.choice(sorted(_FUNCTION_ARITY))
    arguments = [random_source(rng, depth + 1) for _ in range(_FUNCTION_ARITY[name])]
    return f"{name}({', '.join(arguments)})"


def random_env(rng: random.Random) -> dict[str, Any]:
    return {name: rng.choice(_VALUES) for name in _NAMES if rng.random() < 0.85}


def random_cases(seed: int, count: int) -> list[tuple[str, dict[str, Any], Any]]:
    rng = random.Random(seed)
    return [(random_source(rng), random_env(rng), rng.choice(_VALUES)) for _ in range(count)]
