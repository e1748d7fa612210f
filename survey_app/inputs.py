"""Bounds on what a client sends: integers in URLs and query strings, and the depth of a JSON body.

A number a client types (`?page=`, `?year=`, an id in a URL) is refused with a clear 4xx before it reaches the
database, where a value over the column's range would be an `OverflowError` or a driver error (a 500). A JSON body
nested deeper than `MAX_JSON_DEPTH` is a 400, never a `RecursionError`.
"""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from .core.formatting import format_int
from .core.questionnaire.values import MAX_DIGITS, HugeNumber
from .errors import BadRequest, TooLarge

MAX_ID = 2**31 - 1  # the range of an INTEGER column on PostgreSQL (and far beyond any id we issue)
MAX_JSON_DEPTH = 64
YEARS = (1900, 2100)


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: at most `MAX_ID`, so a longer number is an unknown page (404), not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (Werkzeug's names)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def client_int(args, name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`args[name]` as an integer within [minimum, maximum]; missing or empty gives `default`; text that is not a
    whole number, or one out of range, is a `BadRequest` naming the parameter."""
    raw = args.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    text = str(raw).strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit() or len(digits) > len(str(maximum)) + 1 or not minimum <= int(text) <= maximum:
        raise BadRequest(f"Tham số «{name}» phải là số nguyên từ {format_int(minimum)} đến {format_int(maximum)}.",
                       {name: f"Giá trị «{text[:20]}» không hợp lệ."})
    return int(text)


def safe_next(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (`/…`, not `//host`, no `\\`, no scheme or host, no control
    character), else `default`: a `next` from a client never redirects elsewhere."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and urlparse(target).netloc == "" and urlparse(target).scheme == ""
            and not any(ord(c) < 32 for c in target)):
        return target
    return default


def limit_body(request: Request, limit: int, what: str) -> None:
    """Refuse a body over ``limit`` bytes (a route's own limit, below the app's ``MAX_CONTENT_LENGTH``) with a 413
    naming ``what`` and the limit, before anything reads it; a body without a length stops at the limit too."""
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge(f"{what} quá lớn: {format_int(request.content_length)} byte, tối đa {format_int(limit)} "
                       "byte. Hãy bớt ảnh hoặc chia nhỏ rồi gửi lại.", {"body": f"Tối đa {format_int(limit)} byte"})


def json_depth(value) -> int:
    """The nesting depth of a parsed JSON value, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_JSON_DEPTH:
                stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class BoundedRequest(Request):
    """`get_json` refuses a body nested deeper than `MAX_JSON_DEPTH` with a 400, even when `silent` (which is
    for a body that is not JSON at all): the parser's `RecursionError` never becomes a 500."""

    def on_json_loading_failed(self, e):
        raise BadRequest(f"Nội dung JSON không đọc được hoặc lồng quá sâu (tối đa {MAX_JSON_DEPTH} tầng).")

    def get_json(self, force=False, silent=False, cache=True):
        try:
            value = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            value = self.on_json_loading_failed(None)
        if value is not None and json_depth(value) > MAX_JSON_DEPTH:
            self.on_json_loading_failed(None)
        return value


def _parse_int(text: str):
    """A JSON integer; one longer than any answer may be stays text (`HugeNumber`) so its question is named."""
    return HugeNumber(text) if len(text) > MAX_DIGITS + 1 else int(text)


class BoundedJSONProvider(DefaultJSONProvider):
    ensure_ascii = False  # Vietnamese stays readable in JSON

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_int", _parse_int)
        return super().loads(s, **kwargs)


def register_input_bounds(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.request_class = BoundedRequest
    app.json = BoundedJSONProvider(app)


