"""PDF printing: WeasyPrint rendering with a static-only URL fetcher, print templates' Jinja setup."""

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
