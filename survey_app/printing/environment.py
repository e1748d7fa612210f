"""Jinja setup for print templates: Vietnamese formatting filters and a standalone env.

The templates in ``printing/templates/print/`` use the filters below (``{{ n|format_int }}``,
``{{ count|format_percent(total) }}``, ``{{ place|format_place_date(day) }}`` ...).
A Flask app registers them once on ``app.jinja_env``; background jobs use
:func:`make_print_environment`.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from survey_app.core import formatting

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = PACKAGE_ROOT / "static"
"""``survey_app/static``: fonts and print.css live here; pass it as ``static_root``."""
TEMPLATES_ROOT = Path(__file__).resolve().parent / "templates"
"""``survey_app/printing/templates``: the print templates are under ``print/``."""

PRINT_FILTERS = {
    "format_int": formatting.format_int,
    "format_decimal": formatting.format_decimal,
    "format_percent": formatting.format_percent,
    "format_percent_value": formatting.format_percent_value,
    "format_ratio": formatting.format_ratio,
    "format_money": formatting.format_money,
    "format_date_vn": formatting.format_date_vn,
    "format_place_date": formatting.format_place_date,
}


def register_print_filters(env: jinja2.Environment) -> jinja2.Environment:
    """Add the formatting filters to ``env`` (idempotent) and return it."""
    env.filters.update(PRINT_FILTERS)
    return env


def make_print_environment(templates_root: Path = TEMPLATES_ROOT) -> jinja2.Environment:
    """A Flask-free Jinja environment for print templates: autoescaping always on,
    undefined variables are errors (a typo must not print an empty box silently)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_root)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return register_print_filters(env)
