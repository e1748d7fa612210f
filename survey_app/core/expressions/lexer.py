"""Tokenizer for the expression language. Linear in the source length, no backtracking."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import syntax_error
from .values import make_number

REFERENCE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
"""What may stand between ``${`` and ``}``: a question name."""

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
# A bare word: function names (count-selected) and the word operators (and, or, div, mod).
# A hyphen continues a word only when a letter follows, so that "5 div-3" still splits.
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")
_BLANKS = " \t\r\n"
_SINGLE_CHAR_TOKENS = {"(": "(", ")": ")", ",": ",", "+": "op", "-": "op", "*": "op", "=": "op"}


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, ref, cur, word, op, (, ), ",", end
    value: Any
    start: int
    end: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch in _BLANKS:
            i += 1
        elif ch == "$":
            tokens.append(_reference(source, i))
            i = tokens[-1].end
        elif "0" <= ch <= "9" or (ch == "." and i + 1 < n and "0" <= source[i + 1] <= "9"):
            match = _NUMBER.match(source, i)
            value = make_number(float(match.group()))
            if value is None:
                raise syntax_error(i, "số quá lớn")
            tokens.append(Token("num", value, i, match.end()))
            i = match.end()
        elif ch == ".":
            tokens.append(Token("cur", None, i, i + 1))
            i += 1
        elif ch in "'\"":
            close = source.find(ch, i + 1)
            if close < 0:
                raise syntax_error(i, f"chuỗi chưa được đóng, thiếu dấu {ch}")
            tokens.append(Token("str", source[i + 1 : close], i, close + 1))
            i = close + 1
        elif ch == "=" and source.startswith("==", i):
            raise syntax_error(i, "dùng '=' để so sánh bằng, không dùng '=='")
        elif ch in _SINGLE_CHAR_TOKENS:
            tokens.append(Token(_SINGLE_CHAR_TOKENS[ch], ch, i, i + 1))
            i += 1
        elif ch in "<>":
            text = source[i : i + 2] if source.startswith("=", i + 1) else ch
            tokens.append(Token("op", text, i, i + len(text)))
            i += len(text)
        elif ch == "!":
            if not source.startswith("=", i + 1):
                raise syntax_error(i, "dùng not(...) để phủ định, không dùng '!'")
            tokens.append(Token("op", "!=", i, i + 2))
            i += 2
        elif ch == "/":
            raise syntax_error(i, "dùng 'div' để chia, không dùng '/'")
        elif ("A" <= ch <= "Z") or ("a" <= ch <= "z") or ch == "_":
            match = _WORD.match(source, i)
            tokens.append(Token("word", match.group(), i, match.end()))
            i = match.end()
        else:
            raise syntax_error(i, f"ký tự không hợp lệ '{ch}'")
    tokens.append(Token("end", None, n, n))
    return tokens


def _reference(source: str, start: int) -> Token:
    if not source.startswith("${", start):
        raise syntax_error(start, "sau dấu '$' phải là '{', ví dụ ${tuoi}")
    close = source.find("}", start + 2)
    if close < 0:
        raise syntax_error(start, "thiếu dấu '}' để đóng tham chiếu ${...}")
    name = source[start + 2 : close]
    if not REFERENCE_NAME.fullmatch(name):
        raise syntax_error(start, f"tên câu hỏi không hợp lệ '${{{name}}}'")
    return Token("ref", name, start, close + 1)
