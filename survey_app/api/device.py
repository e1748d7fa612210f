"""The device's side of offline fieldwork (docs/offline.md, "Đồng bộ / the sync API"):

- ``GET /api/v1/device/package[?since=<cursor>]``: everything the tablet needs for the user's area
  (``sync/package.py``), session or Bearer token;
- ``POST /api/v1/device/register``: a revocable per-device credential (an API token of kind "device", listed and
  revoked on the account's token page), so the outbox still syncs after the login session has ended. Only from
  a login session (with its CSRF header): a token cannot mint more tokens.
"""
from __future__ import annotations

from flask import g, jsonify, request, url_for
from flask_login import current_user

from ..access import permission_required
from ..auth.service import issue_device_token
from ..core.clock import iso, utc_now
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..sync.cursor import parse_cursor
from ..sync.package import device_package
from .views import bp


@bp.get("/device/package")
@permission_required("device.sync")
def device_package_show():
    since = request.args.get("since")
    moment = parse_cursor(since, utc_now()) if since else None
    return jsonify(device_package(db.session, current_user, moment, _definition_url))


def _definition_url(version_id: int) -> str:
    return url_for("api.questionnaire_definition", version_id=version_id)


@bp.post("/device/register")
@permission_required("device.sync")
def device_register():
    if g.get("auth_via_token"):
        raise Forbidden("Đăng ký thiết bị cần đăng nhập bằng mật khẩu trên thiết bị đó, không dùng mã API.")
    body = request.get_json(silent=True)
    body = {} if body is None else body
    label = body.get("label", "") if isinstance(body, dict) else None
    if not isinstance(label, str) or len(label.strip()) > 80:
        raise Invalid("Tên thiết bị (label) phải là chuỗi, tối đa 80 ký tự.", {"label": "Tối đa 80 ký tự"})
    label = " ".join(label.split()) or "Máy tính bảng"
    token, row = issue_device_token(db.session, current_user, label)
    user = current_user
    return jsonify({"token": token, "token_id": row.id, "prefix": row.prefix, "label": row.label,
                    "expires_at": iso(row.expires_at),
                    "user": {"id": user.id, "username": user.username, "full_name": user.full_name,
                             "role": user.role}}), 201
