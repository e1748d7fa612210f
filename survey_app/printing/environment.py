"""Jinja setup for print templates: a standalone env with the application's filters.

The templates in ``printing/templates/print/`` use the filters of ``survey_app/templating.py`` (``{{ n|format_int }}``,
``{{ count|format_percent(total) }}``, ``{{ place|format_place_date(day) }}`` ...), the same ones the Flask app
registers on ``app.jinja_env``; background jobs use :func:`make_print_environment`.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from survey_app.templating import register_filters

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = PACKAGE_ROOT / "static"
"""``survey_app/static``: fonts and print.css live here; pass it as ``static_root``."""
TEMPLATES_ROOT = Path(__file__).resolve().parent / "templates"
"""``survey_app/printing/templates``: the print templates are under ``print/``."""

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
    return register_filters(env)
