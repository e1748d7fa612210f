"""THE Jinja filters and globals, registered on the app's environment and on the printed documents' one
(``printing.make_print_environment``): the same formatting in a page and on paper. The formatting itself is
``core/formatting.py`` (numbers, dates) and ``core/clock.py`` (Vietnam time). Flask-free, like ``printing``.

Filters: ``format_int``, ``format_decimal(digits=1)``, ``format_percent(denominator)``, ``format_percent_value``,
``format_percent_change(denominator, previous_count, previous_denominator)``, ``format_ratio(denominator)``,
``format_money``, ``format_date_vn`` (a date, or an aware time's date in Vietnam), ``format_datetime_vn`` (an aware
time in Vietnam, ``10/05/2024 09:05``), ``format_place_date(date)``, ``sentence_case`` (a title's first letter). Globals: ``nl2br(text)``.
"""
from __future__ import annotations

import jinja2
from markupsafe import Markup

from .core import formatting

FILTERS = {
    "format_int": formatting.format_int,
    "format_decimal": formatting.format_decimal,
    "format_percent": formatting.format_percent,
    "format_percent_value": formatting.format_percent_value,
    "format_percent_change": formatting.format_percent_change,
    "format_ratio": formatting.format_ratio,
    "format_money": formatting.format_money,
    "format_date_vn": formatting.format_date_vn,
    "format_datetime_vn": formatting.format_datetime_vn,
    "format_place_date": formatting.format_place_date,
    "sentence_case": formatting.sentence_case,
}


def nl2br(text) -> Markup:
    """Text with its line breaks as ``<br>``; every line is escaped."""
    return Markup("<br>").join(str(text).splitlines())


GLOBALS = {"nl2br": nl2br}


def register_filters(env: jinja2.Environment) -> jinja2.Environment:
    """Add the filters and globals to ``env`` (idempotent) and return it."""
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
