"""Recursive-descent parser: source text -> ``Expression`` holding a JSON-serialisable AST.

AST nodes are JSON arrays whose first element is a tag (full reference in
docs/expressions.md):

    ["num", 6]  ["str", "a"]  ["ref", "age"]  ["cur"]  ["neg", x]
    ["and", x, y, ...]  ["or", x, y, ...]  ["+", x, y, ...]  ["*", x, y, ...]
    ["-", x, y]  ["div", x, y]  ["mod", x, y]  ["=", x, y]  ["!=", x, y]
    ["<", x, y]  ["<=", x, y]  [">", x, y]  [">=", x, y]  ["call", "name", arg, ...]

Chains of the same associative operator are flattened (``a or b or c`` is one node), which
keeps long checklists shallow. Work is bounded: the source length, the number of nodes, the
AST depth and the parser's own nesting are all limited, so recursion never follows the input
further than ``MAX_DEPTH`` levels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..formatting import format_int
from .errors import syntax_error
from .functions import FUNCTION_ARITY
from .lexer import Token, tokenize

MAX_SOURCE_LENGTH = 2000
MAX_NODES = 500
MAX_DEPTH = 50

_FLATTENED = {"and", "or", "+", "*"}
_WORD_OPERATORS = {"and", "or", "div", "mod"}


@dataclass(frozen=True)
class Expression:
    """A parsed expression. ``ast`` is what the browser evaluator receives."""

    source: str
    ast: Any = field(compare=False, repr=False)
    references: frozenset[str] = frozenset()
    uses_current: bool = False

    @cached_property
    def compiled(self):
        """The Python evaluator of this expression, compiled on first use: ``compiled(env, today, current)``."""
        from .compiler import compile_expression

        return compile_expression(self.ast)


def parse(source: str) -> Expression:
    """Parse ``source``; raise ``ExpressionError`` (Vietnamese message, 0-based position)."""
    if not isinstance(source, str):
        raise TypeError("expression source must be a str")
    if len(source) > MAX_SOURCE_LENGTH:
        raise syntax_error(
            MAX_SOURCE_LENGTH, f"biểu thức quá dài (tối đa {format_int(MAX_SOURCE_LENGTH)} ký tự)"
        )
    parser = _Parser(source, tokenize(source))
    ast = parser.parse()
    return Expression(source, ast, frozenset(parser.references), parser.uses_current)


class _Parser:
    def __init__(self, source: str, tokens: list[Token]):
        self.source = source
        self.tokens = tokens
        self.index = 0
        self.nesting = 0
        self.node_count = 0
        self.depths: dict[int, int] = {}  # id(node) -> depth, for nodes with children
        self.references: set[str] = set()
        self.uses_current = False

    # -- token helpers -------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def is_operator(self, *texts: str) -> bool:
        token = self.token
        return token.kind in ("op", "word") and token.value in texts

    def text_of(self, token: Token) -> str:
        return self.source[token.start : token.end]

    # -- node construction with bounds -----------------------------------------------------
    def leaf(self, position: int, *node: Any) -> list[Any]:
        self.count_node(position)
        return list(node)

    def node(self, position: int, tag: str, *children: Any, prefix: tuple = ()) -> list[Any]:
        self.count_node(position)
        result = [tag, *prefix, *children]
        self.set_depth(result, position, children)
        return result

    def count_node(self, position: int) -> None:
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise syntax_error(position, f"biểu thức quá phức tạp (tối đa {MAX_NODES} thành phần)")

    def set_depth(self, node: list[Any], position: int, children: Any) -> None:
        depth = 1 + max((self.depths.get(id(child), 1) for child in children), default=0)
        if depth > MAX_DEPTH:
            raise syntax_error(position, f"biểu thức lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")
        self.depths[id(node)] = depth

    def enter(self, position: int) -> None:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise syntax_error(position, f"biểu thức lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")

    # -- grammar -----------------------------------------------------------------------------
    def parse(self) -> list[Any]:
        if self.token.kind == "end":
            raise syntax_error(0, "biểu thức rỗng")
        ast = self.or_expression()
        token = self.token
        if token.kind == ")":
            raise syntax_error(token.start, "thừa dấu ')'")
        if token.kind != "end":
            self.check_lowercase(token)
            raise syntax_error(token.start, f"không mong đợi '{self.text_of(token)}' (thiếu toán tử?)")
        return ast

    def check_lowercase(self, token: Token) -> None:
        """Operators and function names are lower case; say so rather than "unknown"."""
        if token.kind != "word" or token.value == token.value.lower():
            return
        lowered = token.value.lower()
        if lowered in _WORD_OPERATORS or lowered in FUNCTION_ARITY:
            raise syntax_error(token.start, f"'{token.value}' phải viết chữ thường: '{lowered}'")

    def binary_chain(self, operators: tuple[str, ...], operand) -> list[Any]:
        left = operand()
        while self.is_operator(*operators):
            operator_token = self.advance()
            operator = operator_token.value
            right = operand()
            if operator in _FLATTENED and left[0] == operator:
                left.append(right)
                self.set_depth(left, operator_token.start, left[1:])
            else:
                left = self.node(operator_token.start, operator, left, right)
        return left

    def or_expression(self) -> list[Any]:
        return self.binary_chain(("or",), self.and_expression)

    def and_expression(self) -> list[Any]:
        return self.binary_chain(("and",), self.equality)

    def equality(self) -> list[Any]:
        return self.binary_chain(("=", "!="), self.relational)

    def relational(self) -> list[Any]:
        return self.binary_chain(("<", "<=", ">", ">="), self.additive)

    def additive(self) -> list[Any]:
        return self.binary_chain(("+", "-"), self.multiplicative)

    def multiplicative(self) -> list[Any]:
        return self.binary_chain(("*", "div", "mod"), self.unary)

    def unary(self) -> list[Any]:
        if not self.is_operator("-"):
            return self.primary()
        minus = self.advance()
        self.enter(minus.start)
        operand = self.unary()
        self.nesting -= 1
        if operand[0] == "num":
            operand[1] = -operand[1] if operand[1] != 0 else 0
            return operand
        return self.node(minus.start, "neg", operand)

    def primary(self) -> list[Any]:
        token = self.token
        if token.kind == "num":
            self.advance()
            return self.leaf(token.start, "num", token.value)
        if token.kind == "str":
            self.advance()
            return self.leaf(token.start, "str", token.value)
        if token.kind == "ref":
            self.advance()
            self.references.add(token.value)
            return self.leaf(token.start, "ref", token.value)
        if token.kind == "cur":
            self.advance()
            self.uses_current = True
            return self.leaf(token.start, "cur")
        if token.kind == "(":
            self.advance()
            self.enter(token.start)
            inner = self.or_expression()
            self.expect_close_paren()
            self.nesting -= 1
            return inner
        if token.kind == "word":
            return self.function_call()
        raise self.missing_operand(token)

    def missing_operand(self, token: Token):
        if token.kind == "end":
            return syntax_error(token.start, "thiếu toán hạng ở cuối biểu thức")
        if token.kind == ")":
            return syntax_error(token.start, "thiếu toán hạng trước dấu ')'")
        return syntax_error(token.start, f"thiếu toán hạng trước '{self.text_of(token)}'")

    def expect_close_paren(self) -> None:
        if self.token.kind != ")":
            self.check_lowercase(self.token)
            raise syntax_error(self.token.start, "thiếu dấu ')'")
        self.advance()

    def function_call(self) -> list[Any]:
        name_token = self.advance()
        name = name_token.value
        self.check_lowercase(name_token)
        if self.token.kind != "(":
            if name in FUNCTION_ARITY:
                raise syntax_error(self.token.start, f"thiếu dấu '(' sau tên hàm '{name}'")
            if name in _WORD_OPERATORS:
                raise syntax_error(name_token.start, f"thiếu toán hạng trước '{name}'")
            raise syntax_error(
                name_token.start,
                f"không hiểu '{name}' — tham chiếu đến câu hỏi phải viết dạng ${{{name}}}",
            )
        if name not in FUNCTION_ARITY:
            raise syntax_error(name_token.start, f"hàm không xác định '{name}'")
        self.enter(self.token.start)
        self.advance()
        arguments = []
        if self.token.kind != ")":
            arguments.append(self.or_expression())
            while self.token.kind == ",":
                self.advance()
                arguments.append(self.or_expression())
        self.expect_close_paren()
        self.nesting -= 1
        self.check_arity(name_token, len(arguments))
        return self.node(name_token.start, "call", *arguments, prefix=(name,))

    def check_arity(self, name_token: Token, count: int) -> None:
        name = name_token.value
        low, high = FUNCTION_ARITY[name]
        if low <= count and (high is None or count <= high):
            return
        if high is None:
            wanted = f"ít nhất {low} đối số"
        elif low == high:
            wanted = f"đúng {low} đối số" if low else "không có đối số nào"
        else:
            wanted = f"từ {low} đến {high} đối số"
        raise syntax_error(name_token.start, f"hàm '{name}' cần {wanted}, nhưng có {count}")
