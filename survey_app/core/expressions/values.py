"""The value model of the expression language and its XPath-like coercion rules.

Values are: ``None`` (unanswered), ``bool``, numbers (``int``/``float``), ``str`` and flat
``list``s of scalars (select_multiple answers, repeat columns). Dates are ISO strings.

Every rule here is mirrored line by line in ``survey_app/static/js/expr.js``; the shared test
vectors (tests/vectors/expressions.json) check that both give identical results. Change both
files together.

Numbers are computed as IEEE doubles in both languages. A finite integral result within
±2**53 is returned as a Python ``int`` so that ``2.0`` serialises as ``2``; non-finite results
(overflow, 0/0) become ``None``.
"""

from __future__ import annotations

import math
import operator as operator_module
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

MAX_STRING_LENGTH = 10_000
"""Longest string ``concat()`` may build (in code points); longer results are cut."""

SAFE_INTEGER = 2**53

_NUMERIC_TEXT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_BLANKS = " \t\n\r"
_BLANK_RUN = re.compile(r"[ \t\n\r]+")


def make_number(x: int | float) -> int | float | None:
    """Normalise a computed number: non-finite -> None, integral -> int, -0 -> 0."""
    if isinstance(x, int):
        if -SAFE_INTEGER <= x <= SAFE_INTEGER:
            return x
        try:
            x = float(x)
        except OverflowError:
            return None
    if not math.isfinite(x):
        return None
    if x.is_integer() and -SAFE_INTEGER <= x <= SAFE_INTEGER:
        return int(x)
    return x


def _scalar_from_host(value: Any) -> Any:
    kind = type(value)  # exact-type fast paths first: this runs for every answer an expression reads
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else make_number(value)
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return make_number(value) if not (isinstance(value, float) and math.isnan(value)) else value
    if isinstance(value, Decimal):
        return make_number(float(value)) if value.is_finite() else None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return None
    return str(value)


def from_host(value: Any) -> Any:
    """Convert an answer supplied by the application into a language value.

    Lists and tuples (also nested ones) become one flat list; dates become ISO strings;
    ``Decimal`` becomes a number; mappings become ``None``. NaN is kept as is (it is falsy
    and behaves like an unanswered number).
    """
    if not isinstance(value, (list, tuple)):
        return _scalar_from_host(value)
    flat: list[Any] = []
    stack = [iter(value)]
    while stack:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
        elif isinstance(item, (list, tuple)):
            stack.append(iter(item))
        else:
            flat.append(_scalar_from_host(item))
    return flat


_END = object()


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_empty(value: Any) -> bool:
    """Unanswered-like: None, the empty string or the empty list."""
    return value is None or value == "" or (isinstance(value, list) and not value)


def truthy(value: Any) -> bool:
    """Boolean coercion: None, '', 0, NaN and [] are false; everything else is true.

    Note that the strings 'false' and '0' are true (they are non-empty), as in XPath.
    Accepts any application value (see ``from_host``).
    """
    return is_true(from_host(value))


def is_true(value: Any) -> bool:
    """``truthy`` for a value already in the language's model."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if is_number(value):
        return value == value and value != 0
    if isinstance(value, (str, list)):
        return len(value) > 0
    return True


def to_number(value: Any) -> int | float | None:
    """Number coercion; ``None`` stands for "not a number" (XPath's NaN).

    Booleans give 1/0. Strings must be plain decimals (optional '-', digits, optional '.',
    no exponent, surrounding blanks allowed). Lists are not numbers.
    """
    kind = type(value)
    if kind is int:
        return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else make_number(value)
    if value is None or isinstance(value, list):
        return None
    if isinstance(value, bool):
        return 1 if value else 0
    if is_number(value):
        return None if value != value else make_number(value)
    if isinstance(value, str):
        text = value.strip(_BLANKS)
        if _NUMERIC_TEXT.fullmatch(text):
            return make_number(float(text))
    return None


def format_number(x: int | float) -> str:
    """Plain decimal text, never an exponent: 2 -> '2', 0.1 -> '0.1', 1e21 -> '1000…0'.

    Uses the shortest round-tripping digits, which Python's ``repr`` and JavaScript's
    ``String(number)`` agree on; only the placement of the decimal point is redone here.
    """
    if isinstance(x, int) and -SAFE_INTEGER <= x <= SAFE_INTEGER:
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    mantissa, _, exponent = repr(abs(x)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = int_part + frac_part
    point = len(int_part) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    if point <= 0:
        text = "0." + "0" * (-point) + digits
    elif point >= len(digits):
        text = digits + "0" * (point - len(digits))
    else:
        text = digits[:point] + "." + digits[point:]
    return "-" + text if x < 0 else text


def to_string(value: Any) -> str:
    """String coercion: None -> '', booleans -> 'true'/'false', numbers in plain decimal,
    lists -> their non-empty items joined by single spaces (like a select_multiple answer)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    if isinstance(value, list):
        return " ".join(text for text in (to_string(item) for item in value) if text)
    return str(value)


def cap_string(text: str) -> str:
    return text[:MAX_STRING_LENGTH] if len(text) > MAX_STRING_LENGTH else text


def as_items(value: Any) -> list[Any]:
    """The items an aggregate (sum, count, max, min) works on: a list as is, None as no
    item, any other value as a single item."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def selection_items(value: Any) -> list[str]:
    """The chosen option codes of a select_multiple answer given as a list or as
    space-separated text."""
    if isinstance(value, list):
        return [text for text in (to_string(item) for item in value) if text]
    text = to_string(value).strip(_BLANKS)
    return _BLANK_RUN.split(text) if text else []


def equals(a: Any, b: Any) -> bool:
    """The '=' operator. Lists compare by their string value. If either side is a boolean,
    both are compared as booleans; else if either is a number, both as numbers (a side that
    is not a number makes it false); else as strings, with None equal to ''."""
    if isinstance(a, list):
        a = to_string(a)
    if isinstance(b, list):
        b = to_string(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return is_true(a) == is_true(b)
    if is_number(a) or is_number(b):
        x, y = to_number(a), to_number(b)
        return x is not None and y is not None and x == y
    return to_string(a) == to_string(b)


def _relational_operand(value: Any) -> Any:
    if isinstance(value, list):
        return to_string(value)
    if isinstance(value, bool):
        return 1 if value else 0
    return value


_RELATIONS = {"<": operator_module.lt, "<=": operator_module.le, ">": operator_module.gt, ">=": operator_module.ge}


def compare(operator: str, a: Any, b: Any) -> bool:
    """The operators < <= > >=. False when either side is empty (None, '', []). Numeric when
    both sides are numbers or numeric text; otherwise code-point order when both are text
    (so ISO dates compare correctly); otherwise false."""
    if type(a) is int and type(b) is int and -SAFE_INTEGER <= a <= SAFE_INTEGER and -SAFE_INTEGER <= b <= SAFE_INTEGER:
        return _RELATIONS[operator](a, b)  # the common case, two answered whole numbers
    a, b = _relational_operand(a), _relational_operand(b)
    if is_empty(a) or is_empty(b):
        return False
    x, y = to_number(a), to_number(b)
    if x is None or y is None:
        if not (isinstance(a, str) and isinstance(b, str)):
            return False
        x, y = a, b
    return _RELATIONS[operator](x, y)


def arithmetic(operator: str, a: Any, b: Any) -> int | float | None:
    """The operators + - * div mod on doubles. None when a side is not a number, on
    division or modulo by zero, and on overflow. ``mod`` takes the sign of the dividend
    (truncated division, as in XPath and JavaScript's %)."""
    x, y = to_number(a), to_number(b)
    if x is None or y is None:
        return None
    x, y = float(x), float(y)
    if operator == "+":
        result = x + y
    elif operator == "-":
        result = x - y
    elif operator == "*":
        result = x * y
    elif y == 0:
        return None
    elif operator == "div":
        result = x / y
    else:
        result = math.fmod(x, y)
    return make_number(result)


def round_half_away(x: int | float, digits: int) -> int | float | None:
    """Round to ``digits`` decimals (negative: tens, hundreds…), halves away from zero.
    The scale factor is parsed from '1eN' so that both languages use the exact same double."""
    digits = max(-15, min(15, digits))
    factor = float("1e%d" % abs(digits))
    x = float(x)
    scaled = x * factor if digits >= 0 else x / factor
    if abs(scaled) >= 2.0**52:
        return make_number(x)
    rounded = float(math.floor(abs(scaled) + 0.5))
    if scaled < 0:
        rounded = -rounded
    return make_number(rounded / factor if digits >= 0 else rounded * factor)
