"""Static files under content-hashed URLs: ``url_for("static", filename="app.css")`` gives
``/static/app.css?v=<hash>`` (blueprint static folders too), so a browser or the service worker may keep a file
for a year and still gets the new one the moment its content changes: its URL changes with it.

The hash is the first 16 hex digits of the file's SHA-256, computed once per process and file (a deployment
restarts the processes). ``security_headers`` serves a request whose ``v`` is the file's current hash as
``immutable``; any other request of a static file is revalidated (``no-cache``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app

VERSION_ARG = "v"
_hashes: dict[Path, str | None] = {}


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


def static_version(endpoint: str, filename: str) -> str | None:
    """The content hash of a static file of ``endpoint`` ("static" or "<blueprint>.static"), None when missing."""
    folder = _folder(current_app, endpoint)
    if folder is None or ".." in Path(filename).parts:
        return None
    path = Path(folder, filename)
    if path not in _hashes:
        _hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else None
    return _hashes[path]


def is_static(endpoint: str | None) -> bool:
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def register_static_versions(app: Flask) -> None:
    @app.url_defaults
    def _add_version(endpoint: str, values: dict) -> None:
        if is_static(endpoint) and VERSION_ARG not in values and "filename" in values:
            version = static_version(endpoint, values["filename"])
            if version is not None:
                values[VERSION_ARG] = version
