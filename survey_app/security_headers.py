"""Security headers on every response, from one after-request hook (`register_security_headers`).

- HTML pages get a strict Content-Security-Policy: scripts and styles only from our own static files, never
  inline (`tests/test_security_headers.py` checks the pages and scans the templates), no framing, no plugins.
- Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`,
  and HSTS when the cookies are HTTPS-only (`SESSION_COOKIE_SECURE=1`, i.e. served behind HTTPS).
- `Cache-Control: no-store` by default: pages, API JSON and CSV/XLSX/PDF downloads carry data about households
  and must not stay in a shared or browser cache. Two deliberate exceptions, both content that never changes
  under its URL and holds no household data:
  - a static file asked for under its content-hashed URL (`?v=<hash>`, `static_files.py`) is
    `public, max-age=31536000, immutable`; a static file under any other URL is `no-cache` (revalidated);
  - a response a view marked with `cache_immutable(response)`: the questionnaire definition of one version
    (`api/questionnaires.py`), immutable like the version.

PDF and other non-HTML responses need no CSP (they run no script of ours); the print templates are rendered by
WeasyPrint on the server, not by a browser.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

from .static_files import VERSION_ARG, is_static, static_version

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


def cache_immutable(response: Response) -> Response:
    """Mark a response whose URL always names the same content: the hook then lets browsers keep it a year."""
    response.cache_immutable = True
    return response


def _cache_control(response: Response) -> str:
    endpoint = request.endpoint
    if is_static(endpoint):
        filename = (request.view_args or {}).get("filename", "")
        wanted = request.args.get(VERSION_ARG)
        return IMMUTABLE if wanted and wanted == static_version(endpoint, filename) else REVALIDATE
    if getattr(response, "cache_immutable", False) and response.status_code in (200, 304):
        return IMMUTABLE
    return "no-store"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = HSTS
    headers["Cache-Control"] = _cache_control(response)
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
