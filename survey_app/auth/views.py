from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..inputs import safe_next
from ..models import record
from . import service
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__, template_folder="templates")


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("home.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, error = service.authenticate(
            db.session, form.username.data, form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        if user is not None:
            login_user(user)
            record(db.session, user=user, action="user.login", entity_type="user", entity_id=user.id,
                   summary="Đăng nhập")
            return redirect(_safe_next(request.args.get("next")))
        # The failed attempt is counted; the 200 answer commits it at the request boundary.
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record(db.session, user=current_user, action="user.logout", entity_type="user", entity_id=current_user.id,
           summary="Đăng xuất")
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            service.change_password(db.session, current_user, form.current_password.data, form.new_password.data)
        except service.AccountError as err:
            form.current_password.errors.append(str(err))
        else:
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
