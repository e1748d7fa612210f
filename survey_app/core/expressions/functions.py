"""The function library: arity table (used by the parser) and implementations.

``if`` evaluates only the branch it chooses, so it is handled by the evaluator itself; every
other function receives its already evaluated arguments. Each implementation is mirrored in
``survey_app/static/js/expr.js``.
"""

from __future__ import annotations

import math
from typing import Any, Callable

from .values import (
    as_items,
    cap_string,
    is_empty,
    is_true,
    make_number,
    round_half_away,
    selection_items,
    to_number,
    to_string,
)

FUNCTION_ARITY: dict[str, tuple[int, int | None]] = {
    "not": (1, 1),
    "if": (3, 3),
    "selected": (2, 2),
    "count-selected": (1, 1),
    "string-length": (1, 1),
    "coalesce": (2, 2),
    "today": (0, 0),
    "sum": (1, 1),
    "count": (1, 1),
    "max": (1, None),
    "min": (1, None),
    "int": (1, 1),
    "round": (1, 2),
    "number": (1, 1),
    "concat": (1, None),
    "true": (0, 0),
    "false": (0, 0),
    "boolean": (1, 1),
    "string": (1, 1),
}
"""name -> (minimum, maximum or None for "any number") of arguments."""


def _numbers_of(args: list[Any]) -> list[float]:
    numbers = []
    for arg in args:
        for item in as_items(arg):
            number = to_number(item)
            if number is not None:
                numbers.append(float(number))
    return numbers


def _sum(args: list[Any], today: str) -> Any:
    total = 0.0
    for number in _numbers_of(args):
        total += number
    return make_number(total)


def _max(args: list[Any], today: str) -> Any:
    numbers = _numbers_of(args)
    return make_number(max(numbers)) if numbers else None


def _min(args: list[Any], today: str) -> Any:
    numbers = _numbers_of(args)
    return make_number(min(numbers)) if numbers else None


def _int(args: list[Any], today: str) -> Any:
    number = to_number(args[0])
    return None if number is None else make_number(math.trunc(number))


def _round(args: list[Any], today: str) -> Any:
    number = to_number(args[0])
    digits = to_number(args[1]) if len(args) > 1 else 0
    if number is None or digits is None:
        return None
    return round_half_away(number, math.trunc(digits))


def _selected(args: list[Any], today: str) -> Any:
    return to_string(args[1]) in selection_items(args[0])


IMPLEMENTATIONS: dict[str, Callable[[list[Any], str], Any]] = {
    "not": lambda args, today: not is_true(args[0]),
    "selected": _selected,
    "count-selected": lambda args, today: len(selection_items(args[0])),
    "string-length": lambda args, today: len(to_string(args[0])),
    "coalesce": lambda args, today: args[1] if is_empty(args[0]) else args[0],
    "today": lambda args, today: today,
    "sum": _sum,
    "count": lambda args, today: sum(1 for item in as_items(args[0]) if not is_empty(item)),
    "max": _max,
    "min": _min,
    "int": _int,
    "round": _round,
    "number": lambda args, today: to_number(args[0]),
    "concat": lambda args, today: cap_string("".join(to_string(arg) for arg in args)),
    "true": lambda args, today: True,
    "false": lambda args, today: False,
    "boolean": lambda args, today: is_true(args[0]),
    "string": lambda args, today: to_string(args[0]),
}

assert set(IMPLEMENTATIONS) | {"if"} == set(FUNCTION_ARITY)
