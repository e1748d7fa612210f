"""Evaluate an expression against the answers of one submission.

Evaluation never raises because of answer data: every operator and function is total over
the value model (see values.py). It raises ``ExpressionError`` only for an AST the parser
cannot have produced (unknown tag, wrong arity, excessive depth) — a programming error.
The work is done by the closures of compiler.py; a parsed ``Expression`` keeps its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ..clock import vietnam_today
from .compiler import compile_expression
from .parser import Expression, parse

_EMPTY_ENV: Mapping[str, Any] = {}


def evaluate(
    expression: Expression | list | str,
    env: Mapping[str, Any] | None = None,
    current: Any = None,
    today: str | date | None = None,
) -> Any:
    """Evaluate ``expression`` (an ``Expression``, its ``.ast``, or source text to parse).

    ``env`` maps question names to answers (see ``values.from_host`` for accepted Python
    types); ``current`` is the value of ``.``; ``today`` is the ISO date ``today()`` returns
    (default: today in Vietnam, ``core/clock.py`` — pass it explicitly for reproducible results).
    Returns None, a bool, an int/float, a str or a list.
    """
    if isinstance(expression, str):
        expression = parse(expression)
    compiled = expression.compiled if isinstance(expression, Expression) else compile_expression(expression)
    if today is None:
        today = vietnam_today()
    if isinstance(today, datetime):
        today = today.date()
    if isinstance(today, date):
        today = today.isoformat()
    return compiled(env if env is not None else _EMPTY_ENV, str(today), current)  # `.` is converted by the closure
