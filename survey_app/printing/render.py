"""HTML -> PDF through WeasyPrint, with assets limited to the app's static folder.

Flask-free on purpose: a background job (village booklet, campaign report) renders
with the same functions as a request handler; the Flask side passes its own Jinja
environment and ``static_folder``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import weasyprint

from .fetcher import StaticOnlyURLFetcher

DEFAULT_BASE_URL = "app:/"
"""A scheme WeasyPrint cannot open on its own: relative URLs never become ``file:`` URLs."""


def render_pdf(
    html: str,
    *,
    static_root: Path,
    base_url: str = DEFAULT_BASE_URL,
    url_fetcher: StaticOnlyURLFetcher | None = None,
) -> bytes:
    """Render an HTML string to PDF bytes.

    Assets are loaded only through a :class:`StaticOnlyURLFetcher` over ``static_root``
    (pass ``url_fetcher`` to inspect what was served or refused afterwards). A refused
    or missing asset does not fail the rendering: WeasyPrint logs a warning and leaves
    it out. Never pass ``file:`` base URLs: they would make relative links point at
    the disk (the fetcher refuses them anyway).
    """
    fetcher = url_fetcher or StaticOnlyURLFetcher(static_root)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf()


def autoescape_enabled(env: jinja2.Environment, template_name: str) -> bool:
    """Whether ``env`` autoescapes ``template_name`` (``autoescape`` may be a callable)."""
    setting = env.autoescape
    return bool(setting(template_name)) if callable(setting) else bool(setting)


def render_template_html(
    env: jinja2.Environment, template_name: str, context: Mapping[str, Any]
) -> str:
    """Render a print template to HTML, refusing an environment without autoescaping.

    Printed values come from field data (names, comments) and must print as literal
    text, never as markup that could load resources or hide content.
    """
    if not autoescape_enabled(env, template_name):
        raise ValueError(
            f"the Jinja environment does not autoescape {template_name!r}; "
            "print templates must be rendered with autoescaping on"
        )
    return env.get_template(template_name).render(**context)


def render_template_pdf(
    env: jinja2.Environment,
    template_name: str,
    context: Mapping[str, Any],
    static_root: Path,
    *,
    url_fetcher: StaticOnlyURLFetcher | None = None,
) -> bytes:
    """Render a Jinja print template (e.g. one extending ``print/base.html``) to PDF bytes.

    ``env`` must autoescape the template (``ValueError`` otherwise) and have the print
    filters registered (see :func:`survey_app.templating.register_filters`).
    """
    html = render_template_html(env, template_name, context)
    return render_pdf(html, static_root=static_root, url_fetcher=url_fetcher)
