"""The offline app's routes (``/app/``): the shell page, its service worker, its web app manifest, and the
session probe the shell asks when it is online (who is logged in, the CSRF token for registering the device).

The shell carries no user data: it is precached once and serves whoever uses the tablet; the data of the user
come from the device package in IndexedDB (docs/offline.md)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..access import permission_required
from ..security_headers import CONTENT_SECURITY_POLICY
from .shell import render_service_worker, render_shell, web_manifest

bp = Blueprint("offline_app", __name__, url_prefix="/app", template_folder="templates")


@bp.get("/")
@permission_required("fieldwork.use")
def shell():
    return render_shell()


@bp.get("/sw.js")
@permission_required("fieldwork.use")
def service_worker():
    response = Response(render_service_worker(), mimetype="text/javascript")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY  # a worker's CSP is its own response's
    return response


@bp.get("/manifest.webmanifest")
@permission_required("fieldwork.use")
def manifest():
    return Response(json.dumps(web_manifest(), ensure_ascii=False),
                    mimetype="application/manifest+json")


@bp.get("/session")
@permission_required("fieldwork.use")
def session_probe():
    user = current_user
    return jsonify({"user": {"id": user.id, "username": user.username, "full_name": user.full_name,
                             "role": user.role}, "csrf_token": generate_csrf()})
