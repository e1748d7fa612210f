"""A WeasyPrint URL fetcher that can only read the application's own static files.

Printed documents contain data typed by enumerators in the field. Even though templates
autoescape it, the fetcher is the last line of defence: whatever URL ends up in the
HTML or CSS (``<img src>``, ``<link href>``, ``url()``, ``@import``, ``@font-face``),
WeasyPrint can only obtain bytes through this object, and it

* serves files under ``static_root``, addressed as ``/static/<path>`` or
  ``app:/static/<path>`` (what relative URLs become with the default base URL
  ``app:/``), after refusing ``..`` segments and checking that the resolved path
  (symlinks included) stays inside ``static_root``;
* serves ``data:`` URLs only for images (``image/*``) of at most
  ``MAX_DATA_URL_BYTES``, e.g. a QR code generated in memory; a data URL cannot reach
  the disk or the network, the limit only bounds memory;
* refuses everything else - ``file:``, ``http:``, ``https:``, ``ftp:``, any other
  scheme, any host name, relative paths outside ``/static/`` - by raising
  :class:`ResourceRefused` before any I/O. WeasyPrint catches that (it is a plain
  ``Exception``), logs a warning and renders the document without the resource.

WeasyPrint 70 requires a fetcher to be an instance of ``weasyprint.urls.URLFetcher``
(its ``fetch`` helper reads ``_fail_on_errors`` on the fetcher) whose ``fetch(url,
headers=None)`` returns a ``URLFetcherResponse``; we subclass it and override ``fetch``
so that none of urllib's handlers (http, ftp, file, ...) is ever reached.

Each fetcher keeps ``served`` and ``refused`` lists so that callers and tests can see
what a rendering asked for. Use one fetcher per rendering.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_PREFIX = "/static/"
APP_SCHEME = "app"
MAX_DATA_URL_BYTES = 512 * 1024

_CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


class ResourceRefused(Exception):
    """The URL is not one a printed document may load. Nothing was read."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"refused {_shorten(url)!r}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class RefusedRequest:
    url: str
    reason: str


def _shorten(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[:limit] + "..."


class StaticOnlyURLFetcher(URLFetcher):
    """Serve ``static_root`` and small image data URLs; refuse everything else."""

    def __init__(self, static_root: Path | str, *, max_data_url_bytes: int = MAX_DATA_URL_BYTES):
        # No protocol allowed for the parent: its urllib machinery must never run.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.static_root = Path(static_root).resolve(strict=True)
        self.max_data_url_bytes = max_data_url_bytes
        self.served: list[str] = []
        self.refused: list[RefusedRequest] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        try:
            response = self._fetch(url)
        except ResourceRefused as refusal:
            self.refused.append(RefusedRequest(url, refusal.reason))
            raise
        self.served.append(response.url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            return self._fetch_data_url(url)
        try:
            parts = urlsplit(url)
        except ValueError as error:
            raise ResourceRefused(url, f"malformed URL ({error})") from None
        if parts.scheme not in ("", APP_SCHEME):
            raise ResourceRefused(url, f"scheme {parts.scheme!r} is not allowed")
        if parts.netloc:
            raise ResourceRefused(url, "URLs naming a host are not allowed")
        return self._fetch_static(url, parts.path)

    def _fetch_static(self, url: str, raw_path: str) -> URLFetcherResponse:
        path = unquote(raw_path)
        if not path.startswith(STATIC_PREFIX):
            raise ResourceRefused(url, f"only {STATIC_PREFIX}... paths are served")
        if "\\" in path or "\x00" in path:
            raise ResourceRefused(url, "invalid character in path")
        segments = path[len(STATIC_PREFIX):].split("/")
        if any(segment in ("", ".", "..") for segment in segments):
            raise ResourceRefused(url, "path traversal is not allowed")
        relative = PurePosixPath(*segments)
        candidate = (self.static_root / relative).resolve()
        if not candidate.is_relative_to(self.static_root):
            raise ResourceRefused(url, "path leaves the static folder")
        if not candidate.is_file():
            raise ResourceRefused(url, "no such static file")
        content_type = _CONTENT_TYPES.get(candidate.suffix.lower()) or (
            mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        )
        canonical = STATIC_PREFIX + candidate.relative_to(self.static_root).as_posix()
        # The response URL stays a plain path so that relative URLs inside a served
        # stylesheet ("../fonts/x.ttf") resolve with urljoin to "/static/fonts/x.ttf".
        return URLFetcherResponse(
            canonical, candidate.read_bytes(), headers={"Content-Type": content_type}
        )

    def _fetch_data_url(self, url: str) -> URLFetcherResponse:
        header, comma, payload = url[5:].partition(",")
        if not comma:
            raise ResourceRefused(url, "malformed data URL")
        params = [part.strip() for part in header.split(";")]
        media_type = (params[0] or "text/plain").lower()
        if not media_type.startswith("image/"):
            raise ResourceRefused(url, f"data URLs are only allowed for images, not {media_type}")
        is_base64 = any(param.lower() == "base64" for param in params[1:])
        # Check the encoded size first so that a huge payload is never decoded.
        # (base64 turns 3 bytes into 4 characters, percent-encoding 1 byte into at most 3.)
        encoded_limit = (
            self.max_data_url_bytes * 4 // 3 + 4 if is_base64 else self.max_data_url_bytes * 3
        )
        if len(payload) > encoded_limit:
            raise ResourceRefused(url, "data URL is too large")
        try:
            body = base64.b64decode(unquote(payload), validate=True) if is_base64 else unquote_to_bytes(payload)
        except (binascii.Error, ValueError):
            raise ResourceRefused(url, "malformed base64 in data URL") from None
        if len(body) > self.max_data_url_bytes:
            raise ResourceRefused(url, "data URL is too large")
        return URLFetcherResponse("data:" + media_type, body, headers={"Content-Type": media_type})
