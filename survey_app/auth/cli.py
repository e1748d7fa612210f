"""CLI group `users`: create accounts and issue API tokens."""
from __future__ import annotations

import sys

import click
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


@users_cli.command("token")
@click.argument("username")
@click.option("--label", default="", help="What the token is for.")
def users_token(username, label):
    """Print a new personal API token for USERNAME (stored hashed; shown once)."""
    from ..models import User
    from .service import issue_token

    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            fail(f"Không có tài khoản '{username}'.")
        token = issue_token(session, user, label=label, actor_name="cli")
    click.echo(token)
