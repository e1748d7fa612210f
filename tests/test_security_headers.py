"""Security headers (survey_app/security_headers.py): every HTML page carries the strict Content-Security-Policy
(no 'unsafe-inline', no 'unsafe-eval') and holds to it (no style attribute, <style> block, inline script or on*
handler in what it sends, nor in any page template); every response is nosniff, same-origin referrer, not
framable; everything but static files is no-store; HSTS only when the cookies are HTTPS-only.

The pages walked are the GET rules of the access matrix (tests/test_access_matrix.py), for each role."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from survey_app.security_headers import CONTENT_SECURITY_POLICY, IMMUTABLE
from tests.conftest import login
from tests.test_access_matrix import MATRIX, ROLES, _fill, surveyed  # noqa: F401  (surveyed: a fixture)

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVES = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "font-src": "'self'", "connect-src": "'self'", "frame-ancestors": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "object-src": "'none'",
}
DATA_SCRIPT_TYPES = {"application/json"}  # data blocks: never executed, not subject to script-src


class InlineCode(HTMLParser):
    """Collects what a strict CSP would refuse in an HTML document: style attributes, <style> elements,
    scripts without src (data blocks aside), on* handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script" and not names.get("src") and names.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append("inline <script>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_inline_code_finder_finds_what_the_csp_refuses():
    assert inline_code('<div style="margin:0">x</div>') == ["<div style=…>"]
    assert inline_code('<select onchange="go()"></select>') == ["<select onchange=…>"]
    assert inline_code("<style>.a{}</style>") == ["<style> block"]
    assert inline_code("<script>alert(1)</script>") == ["inline <script>"]
    assert inline_code('<a href="javascript:alert(1)">x</a>') == ["<a href=javascript:…>"]
    assert inline_code('<svg><rect style="fill:red"/></svg>') == ["<rect style=…>"]
    assert inline_code('<script src="/static/js/a.js"></script><script type="application/json">{}</script>'
                       '<svg><rect fill="red"/></svg><p data-style="x" class="one">Ông Ôn</p>') == []


def parse_csp(value: str) -> dict[str, str]:
    return dict((part.strip().split(" ", 1) + [""])[:2] for part in value.split(";") if part.strip())


def assert_common_headers(response, url: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url
    assert headers.get("X-Frame-Options") == "DENY", url
    assert "Strict-Transport-Security" not in headers, url  # the test app does not set SESSION_COOKIE_SECURE


def assert_strict_csp(response, url: str) -> None:
    value = response.headers.get("Content-Security-Policy")
    assert value, f"{url}: no Content-Security-Policy"
    assert "unsafe-inline" not in value and "unsafe-eval" not in value, url
    assert parse_csp(value) == DIRECTIVES, url


WORKERS = {"offline_app.service_worker"}  # a service worker's CSP is its own response's: the same strict policy
IMMUTABLE_ENDPOINTS = {"api.questionnaire_definition"}  # the deliberate exception: a version never changes


def test_every_html_page_has_the_strict_csp_and_no_inline_code(app, surveyed):  # noqa: F811
    html_pages, other = set(), set()
    wrong = []
    for role in ROLES:
        client = app.test_client()
        login(client, role)
        for (endpoint, method), rule in sorted(MATRIX.items()):
            if method != "GET":
                continue
            url = _fill(rule.url, surveyed)
            response = client.get(url)
            body = response.get_data(as_text=response.mimetype == "text/html")  # streamed exports read to the end
            response.close()
            assert_common_headers(response, url)
            wanted = IMMUTABLE if endpoint in IMMUTABLE_ENDPOINTS else "no-store"
            assert response.headers.get("Cache-Control") == wanted, f"{role} {url}: personal data cached"
            if endpoint in WORKERS:
                assert_strict_csp(response, url)
            if response.mimetype != "text/html":
                assert "Content-Security-Policy" not in response.headers or endpoint in WORKERS
                other.add(endpoint)
                continue
            assert_strict_csp(response, url)
            if response.status_code == 200:
                html_pages.add(endpoint)
                found = inline_code(body)
                if found:
                    wrong.append(f"{role} {url}: {sorted(set(found))}")
    assert not wrong, "pages with inline code the CSP refuses:\n" + "\n".join(wrong)
    # every GET rule of the matrix was seen: as an HTML page answering 200, or as a download/JSON
    # reports.index sends every role straight to its one area's report; the login page (signed in: a redirect)
    # is checked anonymously below
    redirect_only = {"reports.index", "auth.login"}
    assert html_pages | other == {e for e, m in MATRIX if m == "GET"} - redirect_only, sorted(html_pages)
    assert {"reports.export_table", "reports.export_households", "printing.household_sheet",
            "printing.campaign_report", "printing.job_download", "printing.job_status", "api.me"} <= other


def test_anonymous_pages_errors_and_api_refusals_carry_the_headers(client, world):
    login_page = client.get("/login")
    assert login_page.status_code == 200
    assert_common_headers(login_page, "/login")
    assert_strict_csp(login_page, "/login")
    assert login_page.headers["Cache-Control"] == "no-store"  # it carries a CSRF token
    assert inline_code(login_page.get_data(as_text=True)) == []

    redirect = client.get("/households/")
    assert redirect.status_code == 302
    assert_common_headers(redirect, "/households/")

    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.is_json
    assert_common_headers(api, "/api/v1/me")
    assert api.headers["Cache-Control"] == "no-store"

    login(client, "admin")
    missing = client.get("/households/KHONG-CO")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert_common_headers(missing, "/households/KHONG-CO")
    assert_strict_csp(missing, "/households/KHONG-CO")
    assert inline_code(missing.get_data(as_text=True)) == []


@pytest.mark.parametrize("url", ["/static/css/app.css", "/static/js/expr.js", "/review/static/review.css"])
def test_static_files_keep_their_caching(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers
    response.close()


@pytest.mark.parametrize(("endpoint", "filename"), [("static", "css/app.css"), ("review.static", "review.css")])
def test_static_files_under_their_hashed_url_are_immutable_and_revalidated_otherwise(app, client, endpoint, filename):
    from flask import url_for

    with app.test_request_context():
        hashed = url_for(endpoint, filename=filename)
    assert "?v=" in hashed
    assert client.get(hashed).headers["Cache-Control"] == IMMUTABLE
    assert client.get(hashed.split("?")[0]).headers["Cache-Control"] == "no-cache"


def test_hsts_only_when_cookies_are_https_only(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    hsts = client.get("/login").headers.get("Strict-Transport-Security", "")
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts) and int(hsts.split("=")[1].split(";")[0]) >= 15552000


def test_the_policy_sent_is_the_documented_one():
    assert parse_csp(CONTENT_SECURITY_POLICY) == DIRECTIVES


# Print templates are rendered by WeasyPrint into PDF, never shown by a browser: exempt.
PAGE_TEMPLATES = sorted(p for p in [*ROOT.glob("survey_app/**/templates/**/*.html"), *ROOT.glob("templates/*.html")]
                        if "templates/print/" not in p.as_posix())
TEMPLATE_PATTERNS = {
    "style attribute": re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S),
    "<style> block": re.compile(r"<style\b", re.I),
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "on* handler": re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def template_findings(text: str) -> list[str]:
    return [name for name, pattern in TEMPLATE_PATTERNS.items() if pattern.search(text)]


def test_template_scan_finds_inline_code():
    assert template_findings('<div class="a"\n  style="x">') == ["style attribute"]
    assert template_findings('<select id="r" onchange="go()">') == ["on* handler"]
    assert template_findings("{% block head %}<style>.a{}</style>") == ["<style> block"]
    assert template_findings("<script>\nvar a;</script>") == ["inline <script>"]
    assert template_findings("<script src=\"{{ url_for('static', filename='js/a.js') }}\"></script>"
                             '<script type="application/json" id="d">{{ x|tojson }}</script>'
                             '<p class="one">Ông Ôn</p>') == []


def test_page_templates_have_no_inline_style_script_or_handler():
    assert len(PAGE_TEMPLATES) > 25
    wrong = {str(p.relative_to(ROOT)): found for p in PAGE_TEMPLATES if (found := template_findings(p.read_text()))}
    assert not wrong, f"move these to survey_app/static/css or js (the Content-Security-Policy refuses them): {wrong}"
