"""Everything printed: the engine (WeasyPrint with a static-only URL fetcher, the print templates' Jinja setup) and
the documents: household profile sheets (``sheet.py``), village booklets as a background job (``booklet.py``) and the
campaign report (``report.py``); their routes are in ``views.py`` (blueprint ``printing``)."""

from .environment import (
    STATIC_ROOT,
    TEMPLATES_ROOT,
    make_print_environment,
)
from .fetcher import RefusedRequest, ResourceRefused, StaticOnlyURLFetcher
from .render import render_pdf, render_template_html, render_template_pdf

__all__ = [
    "STATIC_ROOT",
    "TEMPLATES_ROOT",
    "RefusedRequest",
    "ResourceRefused",
    "StaticOnlyURLFetcher",
    "make_print_environment",
    "render_pdf",
    "render_template_html",
    "render_template_pdf",
]
