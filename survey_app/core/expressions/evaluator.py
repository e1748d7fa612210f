"""Evaluate a compiled AST against the answers of one submission.

Evaluation never raises because of answer data: every operator and function is total over
the value model (see values.py). It raises ``ExpressionError`` only for an AST the parser
cannot have produced (unknown tag, wrong arity, excessive depth) — a programming error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .errors import malformed_ast
from .functions import FUNCTION_ARITY, IMPLEMENTATIONS
from .parser import MAX_DEPTH, Expression, parse
from .values import arithmetic, compare, equals, from_host, is_true, make_number, to_number

_MAX_EVALUATION_DEPTH = 2 * MAX_DEPTH  # generous for hand-built ASTs, still far from Python's limit
_EMPTY_ENV: Mapping[str, Any] = {}


class _Context:
    __slots__ = ("env", "current", "today")

    def __init__(self, env: Mapping[str, Any], current: Any, today: str):
        self.env = env
        self.current = current
        self.today = today


def evaluate(
    expression: Expression | list | str,
    env: Mapping[str, Any] | None = None,
    current: Any = None,
    today: str | date | None = None,
) -> Any:
    """Evaluate ``expression`` (an ``Expression``, its ``.ast``, or source text to parse).

    ``env`` maps question names to answers (see ``values.from_host`` for accepted Python
    types); ``current`` is the value of ``.``; ``today`` is the ISO date ``today()`` returns
    (default: the machine's current date — pass it explicitly for reproducible results).
    Returns None, a bool, an int/float, a str or a list.
    """
    if isinstance(expression, Expression):
        ast = expression.ast
    elif isinstance(expression, str):
        ast = parse(expression).ast
    else:
        ast = expression
    if today is None:
        today = date.today()
    if isinstance(today, datetime):
        today = today.date()
    if isinstance(today, date):
        today = today.isoformat()
    context = _Context(env if env is not None else _EMPTY_ENV, from_host(current), str(today))
    return _eval(ast, context, 0)


def _eval(node: Any, context: _Context, depth: int) -> Any:
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise malformed_ast(f"nút không hợp lệ {node!r:.60}")
    if depth > _MAX_EVALUATION_DEPTH:
        raise malformed_ast("lồng nhau quá sâu")
    handler = _HANDLERS.get(node[0])
    if handler is None:
        raise malformed_ast(f"loại nút không xác định {node[0]!r:.40}")
    return handler(node, context, depth + 1)


def _operands(node: list, count: int | None = None) -> list:
    operands = node[1:]
    if (count is not None and len(operands) != count) or (count is None and len(operands) < 2):
        raise malformed_ast(f"số toán hạng sai cho {node[0]!r}")
    return operands


def _literal(node: list, context: _Context, depth: int) -> Any:
    if len(node) != 2:
        raise malformed_ast("hằng không hợp lệ")
    value = node[1]
    if node[0] == "num":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise malformed_ast("hằng số không hợp lệ")
        return make_number(value)
    if not isinstance(value, str):
        raise malformed_ast("hằng chuỗi không hợp lệ")
    return value


def _reference(node: list, context: _Context, depth: int) -> Any:
    (name,) = _operands(node, 1)
    if not isinstance(name, str):
        raise malformed_ast("tên tham chiếu không hợp lệ")
    return from_host(context.env.get(name))


def _current(node: list, context: _Context, depth: int) -> Any:
    _operands(node, 0)
    return context.current


def _negate(node: list, context: _Context, depth: int) -> Any:
    (operand,) = _operands(node, 1)
    number = to_number(_eval(operand, context, depth))
    return None if number is None else make_number(-float(number))


def _and(node: list, context: _Context, depth: int) -> bool:
    return all(is_true(_eval(operand, context, depth)) for operand in _operands(node))


def _or(node: list, context: _Context, depth: int) -> bool:
    return any(is_true(_eval(operand, context, depth)) for operand in _operands(node))


def _arithmetic(node: list, context: _Context, depth: int) -> Any:
    operator = node[0]
    operands = _operands(node, None if operator in ("+", "*") else 2)
    result = _eval(operands[0], context, depth)
    for operand in operands[1:]:
        result = arithmetic(operator, result, _eval(operand, context, depth))
    return result


def _equality(node: list, context: _Context, depth: int) -> bool:
    left, right = _operands(node, 2)
    same = equals(_eval(left, context, depth), _eval(right, context, depth))
    return same if node[0] == "=" else not same


def _relational(node: list, context: _Context, depth: int) -> bool:
    left, right = _operands(node, 2)
    return compare(node[0], _eval(left, context, depth), _eval(right, context, depth))


def _call(node: list, context: _Context, depth: int) -> Any:
    if len(node) < 2 or node[1] not in FUNCTION_ARITY:
        raise malformed_ast(f"hàm không xác định {node[1:2]!r:.40}")
    name, arguments = node[1], node[2:]
    low, high = FUNCTION_ARITY[name]
    if len(arguments) < low or (high is not None and len(arguments) > high):
        raise malformed_ast(f"số đối số sai cho hàm {name!r}")
    if name == "if":
        condition, when_true, when_false = arguments
        chosen = when_true if is_true(_eval(condition, context, depth)) else when_false
        return _eval(chosen, context, depth)
    values = [_eval(argument, context, depth) for argument in arguments]
    return IMPLEMENTATIONS[name](values, context.today)


_HANDLERS = {
    "num": _literal,
    "str": _literal,
    "ref": _reference,
    "cur": _current,
    "neg": _negate,
    "and": _and,
    "or": _or,
    "+": _arithmetic,
    "-": _arithmetic,
    "*": _arithmetic,
    "div": _arithmetic,
    "mod": _arithmetic,
    "=": _equality,
    "!=": _equality,
    "<": _relational,
    "<=": _relational,
    ">": _relational,
    ">=": _relational,
    "call": _call,
}
