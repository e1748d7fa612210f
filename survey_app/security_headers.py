"""Security headers on every response, from one after-request hook (`register_security_headers`).

- HTML pages get a strict Content-Security-Policy: scripts and styles only from our own static files, never
  inline (`tests/test_security_headers.py` checks the pages and scans the templates), no framing, no plugins.
- Every response: `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`, `X-Frame-Options: DENY`,
  and HSTS when the cookies are HTTPS-only (`SESSION_COOKIE_SECURE=1`, i.e. served behind HTTPS).
- Everything but static files is `Cache-Control: no-store`: pages, API JSON and CSV/XLSX/PDF downloads carry
  data about households and must not stay in a shared or browser cache. Static files keep Flask's caching.

PDF and other non-HTML responses need no CSP (they run no script of ours); the print templates are rendered by
WeasyPrint on the server, not by a browser.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, request

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


def _is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers["Strict-Transport-Security"] = HSTS
    if not _is_static(request.endpoint):
        headers["Cache-Control"] = "no-store"
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
