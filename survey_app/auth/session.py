"""Flask-Login wiring: session users, and Bearer tokens on /api/v1/."""
from __future__ import annotations

from flask import g, request

from ..extensions import db
from ..models import User
from ..web import after_transaction
from .service import token_for, token_needs_touch, touch_token


def configure_login_manager(login_manager) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Hãy đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        # "<id>:<generation>" (User.get_id): a cookie of an older generation (logout, password change or reset,
        # deactivation) finds nobody.
        number, _, generation = user_id.partition(":")
        if not (number.isdigit() and generation.isdigit()):
            return None
        user = db.session.get(User, int(number))
        if user is None or not user.active or user.session_generation != int(generation):
            return None
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not req.path.startswith("/api/") or not header.startswith("Bearer "):
            return None
        row = token_for(db.session, header[len("Bearer "):].strip())
        if row is None:
            return None
        g.auth_via_token = True
        if token_needs_touch(row):
            token_id, engine = row.id, db.engine
            after_transaction(lambda: touch_token(engine, token_id))
        return row.user

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash, redirect, url_for

        from ..errors import Unauthorized
        from ..problems import service_error_response

        if request.path.startswith("/api/"):
            return service_error_response(Unauthorized(
                "Cần đăng nhập hoặc mã API (Authorization: Bearer ...); mã API hết hạn hoặc đã thu hồi không còn "
                "dùng được."))
        flash(login_manager.login_message, "warning")
        return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))
