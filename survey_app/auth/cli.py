"""CLI group `users`: create accounts and issue API tokens."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from ..commands import fail, transaction
from ..models import ROLES

users_cli = AppGroup("users", help="Accounts.")


def _read_password() -> str:
    if not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            fail("Không đọc được mật khẩu từ stdin.")
        return line
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "areas", multiple=True, required=True, help="Area code; repeat for several.")
@click.option("--name", "full_name", default="", help="Full name.")
def users_create(username, role, areas, full_name):
    """Create an account; the password is read from stdin or prompted."""
    from .service import AccountError, create_user

    password = _read_password()
    try:
        with transaction() as session:
            create_user(session, username=username, password=password, role=role, area_codes=list(areas),
                        full_name=full_name, actor_name="cli")
    except AccountError as err:
        fail(str(err))
    click.echo(f"Đã tạo tài khoản {username} ({role}).")


def _user(session, username: str):
    from ..models import User

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        fail(f"Không có tài khoản '{username}'.")
    return user


@users_cli.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for.")
@click.option("--days", type=int, default=None, help="Lifetime in days (default: API_TOKEN_DAYS, 90).")
def users_token(username, label, days):
    """Print a new personal API token for USERNAME (stored hashed; shown once)."""
    from .service import AccountError, issue_token

    try:
        with transaction() as session:
            token = issue_token(session, _user(session, username), label=label, actor_name="cli",
                                days=days or current_app.config["API_TOKEN_DAYS"])
    except AccountError as err:
        fail(str(err))
    click.echo(token)


@users_cli.command("tokens")
@click.argument("username")
def users_tokens(username):
    """List USERNAME's API tokens: id, prefix, label, expiry, state."""
    from ..core.clock import utc_now
    from ..core.formatting import format_datetime_vn
    from .service import tokens_of

    now = utc_now()
    with transaction() as session:
        rows = tokens_of(session, _user(session, username))
        for t in rows:
            state = "đã thu hồi" if t.revoked else ("hết hạn" if not t.is_live(now) else "còn hiệu lực")
            click.echo(f"{t.id}\t{t.prefix}…\t{t.label or '-'}\thết hạn {format_datetime_vn(t.expires_at)}\t{state}")
    if not rows:
        click.echo(f"Tài khoản {username} chưa có mã API.")


@users_cli.command("revoke")
@click.argument("token_id", type=int)
def users_revoke(token_id):
    """Revoke the API token TOKEN_ID (see `flask users tokens`)."""
    from ..errors import ServiceError
    from ..models import ApiToken
    from .service import revoke_token

    try:
        with transaction() as session:
            token = session.get(ApiToken, token_id)
            if token is None:
                fail(f"Không có mã API số {token_id}.")
            revoke_token(session, token, actor_name="cli")
    except ServiceError as err:
        fail(str(err))
    click.echo(f"Đã thu hồi mã API số {token_id}.")


@users_cli.command("unlock")
@click.argument("username")
@click.option("--address", default=None, help="Also clear the throttle of this client address.")
def users_unlock(username, address):
    """Lift the login throttle of USERNAME (and of a client address)."""
    from ..models import record
    from .throttle import account_key, address_key, forget

    with transaction() as session:
        user = _user(session, username)
        cleared = forget(session, account_key(username))
        if address:
            cleared = forget(session, address_key(address)) or cleared
        record(session, user=None, actor="cli", action="user.unlock", entity_type="user", entity_id=user.id,
               summary=f"Mở chặn đăng nhập cho {username}" + (f" và địa chỉ {address}" if address else ""))
    click.echo(f"Đã mở chặn đăng nhập cho {username}." if cleared else f"{username} không bị chặn đăng nhập.")
