from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core.clock import utc_now
from ..errors import NotFound
from ..extensions import db
from ..inputs import safe_next
from ..models import ApiToken, record
from . import service
from .forms import ChangePasswordForm, LoginForm

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, error = service.authenticate(db.session, form.username.data, form.password.data,
                                           address=request.remote_addr, policy=login_policy(current_app.config))
        if user is not None:
            login_user(user)
            record(db.session, user=user, action="user.login", entity_type="user", entity_id=user.id,
                   summary="Đăng nhập")
            return redirect(safe_next(request.args.get("next"), url_for("home.index")))
        # The failed attempt is counted; the 200 answer commits it at the request boundary.
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    record(db.session, user=current_user, action="user.logout", entity_type="user", entity_id=current_user.id,
           summary="Đăng xuất")
    current_user.session_generation += 1  # a copy of this cookie ends too (and the account's other sessions)
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
            login_user(current_user._get_current_object())  # this session goes on with the new generation
            flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc và các mã API đã bị thu hồi.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/account/tokens")
@login_required
def tokens():
    return render_template("auth/tokens.html", tokens=service.tokens_of(db.session, current_user), now=utc_now())


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def token_revoke(token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        raise NotFound("Không có mã API này trong tài khoản của bạn.")
    service.revoke_token(db.session, token, actor_name=current_user.username)
    flash(f"Đã thu hồi mã API {token.prefix}….", "success")
    return redirect(url_for("auth.tokens"))


def login_policy(config) -> service.Policy:
    return service.Policy(account_allowance=config["LOGIN_MAX_FAILURES"],
                          address_allowance=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                          delay_seconds=config["LOGIN_DELAY_SECONDS"], cap_minutes=config["LOGIN_LOCK_MINUTES"])
