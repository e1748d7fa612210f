"""The Python evaluator of the language: an AST is compiled once into nested closures.

Dispatch, arity checks and argument slicing happen once at compile time instead of at every evaluation, which
matters when a questionnaire is validated or a round of 200.000 submissions is rescored. ``Expression.compiled``
caches the result, so every parsed expression is compiled at most once. The browser evaluator
(``static/js/expr.js``) is the independent twin: the shared vectors and random expressions are run through both
(tests/test_expr_python.py, tests/test_expr_browser.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import malformed_ast
from .functions import FUNCTION_ARITY, IMPLEMENTATIONS
from .parser import MAX_DEPTH, Expression
from .values import SAFE_INTEGER, arithmetic, compare, equals, from_host, is_true, make_number, to_number

MAX_AST_DEPTH = 2 * MAX_DEPTH  # generous for hand-built ASTs, still far from Python's recursion limit

Compiled = Callable[[Mapping[str, Any], str, Any], Any]
"""``compiled(env, today, current)`` -> a language value."""


def compile_expression(expression: Expression | list) -> Compiled:
    """Compile an ``Expression`` (or its AST). Raises ``ExpressionError`` for an AST the parser cannot produce."""
    ast = expression.ast if isinstance(expression, Expression) else expression
    _check_depth(ast)
    return _compile(ast)


def _check_depth(ast: Any) -> None:
    """Refuse ASTs nested deeper than MAX_AST_DEPTH, without recursing (the parser never produces them)."""
    stack = [(ast, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_AST_DEPTH:
            raise malformed_ast("lồng nhau quá sâu")
        if isinstance(node, list):
            stack.extend((child, depth + 1) for child in node if isinstance(child, list))


def _compile(node: Any) -> Compiled:
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        raise malformed_ast(f"nút không hợp lệ {node!r:.60}")
    builder = _BUILDERS.get(node[0])
    if builder is None:
        raise malformed_ast(f"loại nút không xác định {node[0]!r:.40}")
    return builder(node)


def _operands(node: list, count: int | None = None) -> list[Compiled]:
    operands = node[1:]
    if (count is not None and len(operands) != count) or (count is None and len(operands) < 2):
        raise malformed_ast(f"số toán hạng sai cho {node[0]!r}")
    return [_compile(operand) for operand in operands]


def _literal(node: list) -> Compiled:
    if len(node) != 2:
        raise malformed_ast("hằng không hợp lệ")
    value = node[1]
    if node[0] == "num":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise malformed_ast("hằng số không hợp lệ")
        value = make_number(value)
    elif not isinstance(value, str):
        raise malformed_ast("hằng chuỗi không hợp lệ")
    return lambda env, today, current: value


def _reference(node: list) -> Compiled:
    if len(node) != 2 or not isinstance(node[1], str):
        raise malformed_ast("tên tham chiếu không hợp lệ")
    name = node[1]

    def reference(env, today, current):
        value = env.get(name)
        kind = type(value)
        if value is None or kind is str or kind is bool:  # the common cases need no conversion
            return value
        if kind is int and -SAFE_INTEGER <= value <= SAFE_INTEGER:
            return value
        return from_host(value)

    return reference


def _current(node: list) -> Compiled:
    _operands(node, 0)
    return lambda env, today, current: from_host(current)


def _negate(node: list) -> Compiled:
    (operand,) = _operands(node, 1)

    def negate(env, today, current):
        number = to_number(operand(env, today, current))
        return None if number is None else make_number(-float(number))

    return negate


def _and(node: list) -> Compiled:
    operands = _operands(node)
    return lambda env, today, current: all(is_true(op(env, today, current)) for op in operands)


def _or(node: list) -> Compiled:
    operands = _operands(node)
    return lambda env, today, current: any(is_true(op(env, today, current)) for op in operands)


def _arithmetic(node: list) -> Compiled:
    operator = node[0]
    first, *rest = _operands(node, None if operator in ("+", "*") else 2)

    def fold(env, today, current):
        result = first(env, today, current)
        for operand in rest:
            result = arithmetic(operator, result, operand(env, today, current))
        return result

    return fold


def _equality(node: list) -> Compiled:
    left, right = _operands(node, 2)
    literal = node[2][1] if isinstance(node[2], list) and len(node[2]) == 2 and node[2][0] == "str" else None
    if literal is not None:
        # ``${x} = 'code'``, the commonest test in a ruleset: text (or nothing) against text compares as text,
        # None being ''; any other kind of value takes the general rule.
        negated = node[0] == "!="

        def equals_text(env, today, current):
            value = left(env, today, current)
            if value is None:
                value = ""
            same = value == literal if type(value) is str else equals(value, literal)
            return not same if negated else same

        return equals_text
    if node[0] == "=":
        return lambda env, today, current: equals(left(env, today, current), right(env, today, current))
    return lambda env, today, current: not equals(left(env, today, current), right(env, today, current))


def _relational(node: list) -> Compiled:
    operator = node[0]
    left, right = _operands(node, 2)
    return lambda env, today, current: compare(operator, left(env, today, current), right(env, today, current))


def _call(node: list) -> Compiled:
    if len(node) < 2 or node[1] not in FUNCTION_ARITY:
        raise malformed_ast(f"hàm không xác định {node[1:2]!r:.40}")
    name = node[1]
    low, high = FUNCTION_ARITY[name]
    if len(node) - 2 < low or (high is not None and len(node) - 2 > high):
        raise malformed_ast(f"số đối số sai cho hàm {name!r}")
    arguments = [_compile(argument) for argument in node[2:]]
    if name == "if":
        condition, when_true, when_false = arguments
        return lambda env, today, current: (
            when_true if is_true(condition(env, today, current)) else when_false)(env, today, current)
    implementation = IMPLEMENTATIONS[name]
    return lambda env, today, current: implementation([arg(env, today, current) for arg in arguments], today)


_BUILDERS: dict[str, Callable[[list], Compiled]] = {
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
