"""Vietnamese number and date formatting for reports, printed sheets and input parsing.

Vietnamese writes `.` between thousands and `,` before decimals (1.714; 65,9%), and
official documents date themselves as "Kon Tum, ngày 08 tháng 02 năm 2023".

Rules shared by every formatter here:

* Rounding is half away from zero ("half up" as taught in school): 65,95 -> 66,0 and
  -65,95 -> -66,0. Floats are first converted through their shortest repr, so
  ``65.95`` is treated as the decimal 65,95 and not as its binary approximation
  65,9499999...
* ``None`` (an unanswered question, a missing figure) prints as ``MISSING`` ("—"), so
  templates never show "None".
* A value that rounds to zero never prints a minus sign ("-0,0" becomes "0,0").
* Every percentage the product computes (report page, PDF report, API, CSV and XLSX exports) goes through
  :func:`percent_value`: from the exact fraction count/denominator, never from a float percentage; by default half
  up to one decimal (1/16 = 6,25% -> 6,3%), or as the round's :class:`PercentRule` says (decimals, and rounding
  or truncation: 1.714/2.598 prints 66,0% rounded, 65,9% truncated). The printed form (:func:`format_percent`) and the number carried by the API and
  the spreadsheets (:func:`as_number`) are both built on it, so they cannot disagree.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from numbers import Real
from typing import NamedTuple

from .clock import local_date, to_local

MISSING = "—"
"""Printed in place of an unknown value or of a percentage whose denominator is 0."""

CURRENCY_SUFFIX = " đ"

_DAY_MONTH_BLANK = "....."
_YEAR_BLANK = "........"

Number = int | float | Decimal


class VnNumberError(ValueError):
    """Raised by :func:`parse_vn_number`; the message is meant for the user (Vietnamese)."""


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number to print")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest repr: 65.95 -> "65.95", not 65.9499999999999957...
        result = Decimal(str(value))
    elif isinstance(value, Real):
        result = Decimal(str(float(value)))
    else:
        raise TypeError(f"cannot format {type(value).__name__} as a number")
    if not result.is_finite():
        raise ValueError(f"cannot format non-finite number {value!r}")
    return result


def _round(value: Decimal, digits: int) -> Decimal:
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    # Avoid printing "-0" / "-0,0".
    return abs(rounded) if rounded.is_zero() else rounded


def _group(value: Decimal, digits: int) -> str:
    """Format an already rounded Decimal with Vietnamese separators."""
    english = format(value, f",.{digits}f")  # "1,714.5"
    return english.translate(str.maketrans({",": ".", ".": ","}))


def format_int(value: Number | None) -> str:
    """Whole number with thousands dots: ``1714 -> "1.714"``, ``-52049 -> "-52.049"``.

    Non-integral values are rounded half up first.
    """
    if value is None:
        return MISSING
    return _group(_round(_to_decimal(value), 0), 0)


def format_decimal(value: Number | None, digits: int = 1) -> str:
    """Number with ``digits`` decimals: ``format_decimal(65.94, 1) -> "65,9"``,
    ``format_decimal(1714.5, 2) -> "1.714,50"``."""
    if value is None:
        return MISSING
    return _group(_round(_to_decimal(value), digits), digits)


def sentence_case(text: str | None) -> str:
    """A title as Vietnamese writes it: first letter capital, the rest untouched (``"huyện Kon Plông"`` ->
    ``"Huyện Kon Plông"``); area names are proper nouns, so nothing is lowered."""
    if not text:
        return ""
    return text[0].upper() + text[1:]


def format_plain_decimal(value: Number) -> str:
    """An already rounded number for a CSV cell read by a Vietnamese-locale Excel: decimal comma and no thousands
    dots, so the cell stays a number there: ``Decimal("66.0") -> "66,0"``, ``1714 -> "1714"``."""
    if isinstance(value, int):
        return str(value)
    return f"{_to_decimal(value):f}".replace(".", ",")


def format_answer_number(value: Number) -> str:
    """An answered number as people write it: whole numbers with thousands dots, others with at most two
    decimals and no trailing zeros: ``1500000 -> "1.500.000"``, ``36.5 -> "36,5"``, ``2.0 -> "2"``."""
    if isinstance(value, int) or float(value).is_integer():
        return format_int(value)
    return format_decimal(value, 2).rstrip("0").rstrip(",")


def format_percent_value(value: Number | None, digits: int = 1) -> str:
    """A percentage that was typed, not computed (a target such as 40,5): ``format_percent_value(15) -> "15,0%"``.

    A rate computed from counts is printed with :func:`format_percent` instead, from its count and denominator.
    """
    if value is None:
        return MISSING
    return format_decimal(value, digits) + "%"


def _exact(value: Number | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(_to_decimal(value))


def round_half_up(value: Number | Fraction, digits: int = 1) -> Decimal:
    """``value`` rounded half away from zero to ``digits`` decimals, exactly (a Fraction is not approximated):
    ``round_half_up(Fraction(25, 4)) -> Decimal("6.3")``, ``round_half_up(-12.25) -> Decimal("-12.3")``.

    The result never is ``-0``; it always carries ``digits`` decimals (``Decimal("0.0")``)."""
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    exact = _exact(value)
    scaled = abs(exact) * 10**digits
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = "-" if exact < 0 and whole else ""
    return Decimal(f"{sign}{whole}e-{digits}")


def truncate(value: Number | Fraction, digits: int = 1) -> Decimal:
    """``value`` cut (toward zero) to ``digits`` decimals, exactly: ``truncate(Fraction(1714 * 100, 2598)) ->
    Decimal("65.9")`` (65,97…), the way some of the province's own tables print a rate. Never ``-0``."""
    if digits < 0:
        raise ValueError("digits must be 0 or more")
    exact = _exact(value)
    scaled = abs(exact) * 10**digits
    whole = scaled.numerator // scaled.denominator
    sign = "-" if exact < 0 and whole else ""
    return Decimal(f"{sign}{whole}e-{digits}")


PERCENT_METHODS = {"round": round_half_up, "truncate": truncate}
"""How a percentage is brought to its decimals: ``round`` half up (away from zero), ``truncate`` toward zero."""
PERCENT_METHOD_LABELS = {"round": "làm tròn", "truncate": "bỏ phần thừa (không làm tròn)"}


class PercentRule(NamedTuple):
    """How one report prints its percentages: ``digits`` decimals, by ``method`` (``round`` or ``truncate``).

    A round carries its rule; every place that report appears (page, PDF, API, CSV, XLSX) uses it, by passing it
    after the counts: ``format_ratio(count, denominator, *rule)``."""

    digits: int = 1
    method: str = "round"

    @property
    def label(self) -> str:
        """``"1 chữ số thập phân, làm tròn"``."""
        return f"{self.digits} chữ số thập phân, {PERCENT_METHOD_LABELS[self.method]}"

    @property
    def setting(self) -> str:
        """The rule as a round setting or a CLI option: ``"1:round"``, ``"1:truncate"``."""
        return f"{self.digits}:{self.method}"

    @classmethod
    def parse(cls, text: str) -> PercentRule:
        """``"1:truncate"`` -> ``PercentRule(1, "truncate")``; ValueError unless 0–3 decimals and a known method."""
        digits, _, method = (text or "").strip().partition(":")
        if not digits.isdigit() or int(digits) > MAX_PERCENT_DIGITS or method not in PERCENT_METHODS:
            raise ValueError(text)
        return cls(int(digits), method)


DEFAULT_PERCENT_RULE = PercentRule()
MAX_PERCENT_DIGITS = 3


def _percent_method(method: str):
    try:
        return PERCENT_METHODS[method]
    except KeyError:
        raise ValueError(f"unknown percent method {method!r}") from None


def _fraction_percent(count: Number | None, denominator: Number | None) -> Fraction | None:
    if count is None or denominator is None:
        return None
    denominator_exact = _exact(denominator)
    if denominator_exact == 0:
        return None
    return _exact(count) * 100 / denominator_exact


def percent_value(count: Number | None, denominator: Number | None, digits: int = 1,
                  method: str = "round") -> Decimal | None:
    """THE rounding of every percentage the product prints or exports: ``count`` as a percentage of
    ``denominator``, computed exactly and rounded half up (away from zero) to ``digits`` decimals.

    ``(1, 16) -> Decimal("6.3")`` (6,25 exactly), ``(5, 16) -> Decimal("31.3")``, ``(1, 8) -> Decimal("12.5")``,
    ``(0, 7) -> Decimal("0.0")``. ``None`` when the denominator is 0 or either value is unknown: a rate over no
    household is not 0 %, it does not exist. A report whose rule says ``truncate`` cuts instead:
    ``(1714, 2598, 1, "truncate") -> Decimal("65.9")`` where rounding gives 66,0.
    """
    exact = _fraction_percent(count, denominator)
    return None if exact is None else _percent_method(method)(exact, digits)


def percent_change_value(count: Number | None, denominator: Number | None, previous_count: Number | None,
                         previous_denominator: Number | None, digits: int = 1, method: str = "round") -> Decimal | None:
    """Change in percentage points from ``previous_count/previous_denominator`` to ``count/denominator``: the exact
    difference of the two fractions, rounded like :func:`percent_value`; ``None`` if either rate does not exist.
    ``(1, 16, 0, 8) -> Decimal("6.3")``."""
    now = _fraction_percent(count, denominator)
    before = _fraction_percent(previous_count, previous_denominator)
    if now is None or before is None:
        return None
    return _percent_method(method)(now - before, digits)


def as_number(value: Decimal | None) -> float | None:
    """A rounded value as a JSON number or a numeric spreadsheet cell: ``Decimal("6.3") -> 6.3`` (the float
    nearest the decimal, which prints back as ``6.3``); ``None`` stays ``None`` (JSON null, an empty cell)."""
    return None if value is None else float(value)


def format_percent(count: Number | None, denominator: Number | None, digits: int = 1, method: str = "round") -> str:
    """``count`` as a percentage of ``denominator``: ``(1714, 2598) -> "66,0%"``, ``(1, 16) -> "6,3%"``.

    The printed form of :func:`percent_value`; ``MISSING`` ("—") when the denominator is 0 or a value is unknown.
    """
    value = percent_value(count, denominator, digits, method)
    return MISSING if value is None else _group(value, digits) + "%"


def format_percent_change(count: Number | None, denominator: Number | None, previous_count: Number | None,
                          previous_denominator: Number | None, digits: int = 1, method: str = "round") -> str:
    """The printed form of :func:`percent_change_value`, signed: ``"+6,3"``, ``"-0,6"``, ``"0,0"``; ``MISSING``
    when either rate does not exist."""
    value = percent_change_value(count, denominator, previous_count, previous_denominator, digits, method)
    if value is None:
        return MISSING
    return ("+" if value > 0 else "") + _group(value, digits)


def format_ratio(count: Number | None, denominator: Number | None, digits: int = 1, method: str = "round") -> str:
    """How the campaign reports print an outcome: ``(1714, 2598) -> "1.714/2.598 (66,0%)"``.

    With a zero denominator the percentage part is ``(—)``: ``"0/0 (—)"``.
    """
    percent = format_percent(count, denominator, digits, method)
    return f"{format_int(count)}/{format_int(denominator)} ({percent})"


def format_money(amount: Number | None) -> str:
    """Vietnamese đồng, rounded to the đồng: ``644000 -> "644.000 đ"``."""
    if amount is None:
        return MISSING
    return format_int(amount) + CURRENCY_SUFFIX


def format_date_vn(value: dt.date | None) -> str:
    """``date(2023, 2, 8) -> "08/02/2023"``. An aware datetime prints its date in Vietnam (``core/clock.py``), a
    naive one its own date."""
    if value is None:
        return MISSING
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = local_date(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_datetime_vn(value: dt.datetime | None) -> str:
    """An aware time as people in Vietnam read it: ``2024-05-10 02:05 UTC -> "10/05/2024 09:05"``."""
    if value is None:
        return MISSING
    return to_local(value).strftime("%d/%m/%Y %H:%M")


def format_iso_date(text: str) -> str:
    """An ISO date answer (``"2024-05-10"``) as ``"10/05/2024"``; text that is not a date is returned as it is."""
    try:
        return format_date_vn(dt.date.fromisoformat(text[:10]))
    except ValueError:
        return text


def format_place_date(place: str | None, value: dt.date | None) -> str:
    """The place-and-date line of an official document.

    ``("Kon Tum", date(2023, 2, 8)) -> "Kon Tum, ngày 08 tháng 02 năm 2023"``.

    Follows Nghị định 30/2020/NĐ-CP: a zero is written before days under 10 and before
    months 1 and 2 only ("ngày 05 tháng 3", "ngày 15 tháng 01"), so that nobody can
    later add a digit by hand. Without a date the line has dotted blanks to fill in by
    hand: "Kon Tum, ngày ..... tháng ..... năm ........". Without a place the line
    starts at "Ngày".
    """
    if value is None:
        day = month = _DAY_MONTH_BLANK
        year = _YEAR_BLANK
    else:
        day = f"{value.day:02d}"
        month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
        year = str(value.year)
    date_part = f"ngày {day} tháng {month} năm {year}"
    place = (place or "").strip()
    if not place:
        return date_part[0].upper() + date_part[1:]
    return f"{place}, {date_part}"


_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_PLAIN = re.compile(r"[0-9]+")
_FRACTION = re.compile(r"[0-9]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_vn_number(text: str) -> Decimal:
    """Parse a number typed the Vietnamese way: ``"1.714,5" -> Decimal("1714.5")``.

    Accepted: an optional sign (``-``, ``+`` or the typographic minus ``−``), digits
    either plain (``1714``) or grouped by dots in threes (``1.714``, ``52.049``), and an
    optional decimal part after a comma (``65,9``). Spaces are ignored. Anything else,
    including the English ``1714.5`` (which could be misread as 17145), raises
    :class:`VnNumberError` with a Vietnamese message, rather than guessing.
    """
    if not isinstance(text, str):
        raise TypeError("parse_vn_number expects a string")
    cleaned = _SPACES.sub("", text)
    if not cleaned:
        raise VnNumberError("Chưa nhập số.")
    sign = ""
    if cleaned[0] in "+-−":
        sign = "-" if cleaned[0] in "-−" else ""
        cleaned = cleaned[1:]
    whole, comma, fraction = cleaned.partition(",")
    valid_whole = bool(_GROUPED.fullmatch(whole) or _PLAIN.fullmatch(whole))
    valid_fraction = not comma or bool(_FRACTION.fullmatch(fraction))
    if not (valid_whole and valid_fraction):
        raise VnNumberError(
            f"Số không hợp lệ: «{text.strip()}». Dùng dấu chấm để ngăn cách hàng nghìn "
            "và dấu phẩy cho phần thập phân, ví dụ 1.714,5."
        )
    literal = sign + whole.replace(".", "") + (("." + fraction) if comma else "")
    try:
        return Decimal(literal)
    except InvalidOperation as error:  # pragma: no cover - the regexes exclude this
        raise VnNumberError(f"Số không hợp lệ: «{text.strip()}».") from error
