"""What the service worker precaches: the app shell (one HTML page with no user data in it) and every static file
it loads, each under the URL the page asks for: content-hashed by ``url_for`` (``static_files.py``), so Workbox
needs no revision of its own for them; the shell and the manifest get the hash of their text.

The service worker's own text embeds this list, so a change of any file changes the worker's bytes: the browser
installs the new worker, which precaches the new files and drops the old ones. Households, drafts and the outbox
live in IndexedDB, outside the precache, so an update never makes them unreachable.
"""
from __future__ import annotations

import hashlib
import json

from flask import render_template, url_for

WORKBOX_DIR = "vendor/workbox-7.4.1/"
SHELL_SCRIPTS = (
    "js/expr.js", "js/engine.js", "vendor/idb-8.0.4/umd.js", "js/draft_store.js", "js/form_view.js",
    "js/form_markup.js", "js/device_store.js", "js/outbox.js", "js/app_households.js",
    "js/app_form.js", "js/app_shell.js",
)
SHELL_STYLES = ("css/app.css", "css/form.css", "css/app_shell.css")
ICONS = ("icons/app-192.png", "icons/app-512.png")


def _revision(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def render_shell() -> str:
    return render_template("offline_app/shell.html", scripts=SHELL_SCRIPTS, styles=SHELL_STYLES)


def precache_entries() -> list[dict]:
    """Workbox's precache manifest: ``{url, revision}`` for the shell, the manifest and every static file."""
    entries = [{"url": url_for("offline_app.shell"), "revision": _revision(render_shell())},
               {"url": url_for("offline_app.manifest"), "revision": _revision(json.dumps(web_manifest()))}]
    for filename in (*SHELL_STYLES, *SHELL_SCRIPTS, *ICONS):
        entries.append({"url": url_for("static", filename=filename), "revision": None})
    return entries


def render_service_worker() -> str:
    entries = precache_entries()
    version = _revision(json.dumps(entries, sort_keys=True))
    return render_template("offline_app/sw.js", entries=entries, version=version,
                           workbox_sw=url_for("static", filename=WORKBOX_DIR + "workbox-sw.js"),
                           workbox_dir=url_for("static", filename=WORKBOX_DIR).split("?")[0])


def web_manifest() -> dict:
    return {
        "name": "Khảo sát hộ – Cuộc vận động DTTS", "short_name": "Khảo sát hộ", "lang": "vi",
        "description": "Phiếu khảo sát hộ cho điều tra viên, dùng được khi không có mạng.",
        "start_url": url_for("offline_app.shell"), "scope": url_for("offline_app.shell"), "display": "standalone",
        "background_color": "#f4f6f9", "theme_color": "#0b5cad",
        "icons": [{"src": url_for("static", filename=icon), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any"} for icon, size in zip(ICONS, (192, 512), strict=True)],
    }
