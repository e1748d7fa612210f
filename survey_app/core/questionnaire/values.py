"""Coercion of one raw answer (as a web form posts it, or as JSON sends it) to its stored type.

Rules, kept deliberately small so that the browser can mirror them:
- empty string, whitespace, ``None`` and empty lists mean "unanswered" and give ``None``;
- integer: JSON integers, integral floats, or text of digits; Vietnamese thousand groups ``1.500`` are read
  as 1500 (a single dot followed by exactly three digits groups thousands in an integer question);
- decimal: numbers, or text with ``,`` or ``.`` as the decimal mark; when both appear, ``.`` groups thousands and
  ``,`` is the decimal mark (``1.500.000,5``); several dots also mean thousand groups (``1.500.000``);
- text: trimmed; numbers are turned into text;
- select_one: a choice name (numbers are turned into text, so ``1`` matches choice ``"1"``);
- select_multiple: a list of choice names or one space-separated string; duplicates removed; stored in the
  order of the choice list;
- date: ``YYYY-MM-DD`` (also ``DD/MM/YYYY``), stored as ``YYYY-MM-DD``; a ``DD/MM/YYYY`` the calendar lacks is named.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from survey_app.core.formatting import format_int

_INTEGER = re.compile(r"[+-]?\d+\Z")
_GROUPED_INTEGER = re.compile(r"[+-]?\d{1,3}(\.\d{3})+\Z")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_VN_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\Z")


MAX_DIGITS = 18
"""At most this many digits in a number answer (beyond it: refused, before Python's 4.300-digit limit is met)."""
_DIGITS_LIMIT = 10**MAX_DIGITS  # an integer of more than MAX_DIGITS digits is at least this
MAX_TEXT_LENGTH = 4000
"""At most this many characters in a text answer."""
TOO_BIG = f"Số quá lớn (tối đa {MAX_DIGITS} chữ số)"


class HugeNumber(str):
    """A JSON number with more digits than any answer may have, kept as its text by the JSON reader (so the
    question it answers is named in the refusal, instead of the whole body failing)."""


class AnswerValueError(ValueError):
    """A raw value that cannot be stored for the question's type; ``message`` is Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, (list, tuple)) and not raw)


def coerce_value(question_type: str, raw: Any, choice_names: Sequence[str] = ()) -> Any:
    """Return the stored form of ``raw`` for ``question_type``, ``None`` when unanswered.

    Raises AnswerValueError when the value does not fit the type or is not a choice of the list.
    """
    if is_blank(raw):
        return None
    coercer = _COERCERS.get(question_type)
    if coercer is None:
        raise AnswerValueError("Câu này không nhận câu trả lời")
    if question_type in ("select_one", "select_multiple"):
        return coercer(raw, choice_names)
    return coercer(raw)


def _refuse_huge(raw: Any) -> None:
    # Comparisons instead of str(): this runs for every number of every answer set.
    if isinstance(raw, HugeNumber) or (isinstance(raw, int) and not -_DIGITS_LIMIT < raw < _DIGITS_LIMIT) or (
            isinstance(raw, str) and len(raw) > MAX_DIGITS + 2 and sum(c.isdigit() for c in raw) > MAX_DIGITS + 2):
        raise AnswerValueError(TOO_BIG)


def _integer(raw: Any) -> int:
    message = "Phải là số nguyên"
    if isinstance(raw, bool):
        raise AnswerValueError(message)
    _refuse_huge(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer() and abs(raw) < 10**MAX_DIGITS:
            return int(raw)
        raise AnswerValueError(message)
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if _INTEGER.match(text):
            return int(text)
        if _GROUPED_INTEGER.match(text):
            return int(text.replace(".", ""))
    raise AnswerValueError(message)


def _decimal(raw: Any) -> float:
    message = "Phải là số"
    if isinstance(raw, bool):
        raise AnswerValueError(message)
    _refuse_huge(raw)
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise AnswerValueError(message)
        return float(raw)
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        if "," in text and "." in text:
            text = text.replace(".", "").replace(",", ".")
        elif "," in text:
            if text.count(",") > 1:
                raise AnswerValueError(message)
            text = text.replace(",", ".")
        elif text.count(".") > 1:
            if not _GROUPED_INTEGER.match(text):
                raise AnswerValueError(message)
            text = text.replace(".", "")
        if _DECIMAL.match(text) and math.isfinite(value := float(text)):
            return value
    raise AnswerValueError(message)


def _text(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise AnswerValueError("Phải là văn bản")
    _refuse_huge(raw if not isinstance(raw, str) or isinstance(raw, HugeNumber) else "")
    if isinstance(raw, str) and len(raw) > MAX_TEXT_LENGTH:
        raise AnswerValueError(f"Văn bản quá dài (tối đa {format_int(MAX_TEXT_LENGTH)} ký tự)")
    return raw.strip() if isinstance(raw, str) else str(raw)


def _choice_name(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise AnswerValueError("Lựa chọn không hợp lệ")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return raw.strip() if isinstance(raw, str) else str(raw)


def _select_one(raw: Any, choice_names: Sequence[str]) -> str:
    name = _choice_name(raw)
    if name not in choice_names:
        raise AnswerValueError(f"Lựa chọn '{name}' không có trong danh sách")
    return name


def _select_multiple(raw: Any, choice_names: Sequence[str]) -> list[str] | None:
    items = raw.split() if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise AnswerValueError("Phải là danh sách lựa chọn")
    names = {_choice_name(item) for item in items if not is_blank(item)}
    unknown = sorted(names.difference(choice_names))
    if unknown:
        listed = ", ".join(f"'{name}'" for name in unknown)
        raise AnswerValueError(f"Lựa chọn {listed} không có trong danh sách")
    return [name for name in choice_names if name in names] or None


def _date(raw: Any) -> str:
    message = "Ngày không hợp lệ: ghi ngày/tháng/năm (31/12/2025) hoặc YYYY-MM-DD"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str):
        text = raw.strip()
        vietnamese = _VN_DATE.match(text)
        if vietnamese:
            day, month, year = vietnamese.groups()
            text = f"{year}-{int(month):02d}-{int(day):02d}"
        if _ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text).isoformat()
            except ValueError:
                pass
        if vietnamese:  # the form the enumerator typed, with a day the calendar does not have
            day, month, year = vietnamese.groups()
            raise AnswerValueError(f"Không có ngày {int(day):02d}/{int(month):02d}/{year} trong lịch")
    raise AnswerValueError(message)


_COERCERS = {
    "integer": _integer,
    "decimal": _decimal,
    "text": _text,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "date": _date,
}
