"""Command-line interface: `flask --app wsgi COMMAND` from the repository root.

Each command runs in one transaction: it commits at the end or rolls back on error.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .extensions import db


@contextmanager
def transaction():
    session = db.session
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.remove()


def fail(message: str) -> None:
    raise click.ClickException(message)


db_cli = AppGroup("db", help="Database migrations (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Apply migrations up to REVISION (default: head)."""
    from . import migrate

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo("Đã cập nhật cấu trúc cơ sở dữ liệu.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    from . import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def db_revision(message, autogenerate):
    from alembic import command

    from . import migrate

    command.revision(migrate.alembic_config(current_app.config["DATABASE_URL"]), message=message,
                     autogenerate=autogenerate)


areas_cli = AppGroup("areas", help="The area tree.")


@areas_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def areas_import(file: Path):
    """Import an area tree from CSV (code,name,level,parent_code); all or nothing."""
    from .areas import AreaError, import_areas_csv

    try:
        with transaction() as session:
            created, updated = import_areas_csv(session, file.read_text(encoding="utf-8"), actor="cli")
    except AreaError as err:
        fail(f"Không nhập được, không có gì thay đổi:\n{err}")
    click.echo(f"Đã nhập {created} địa bàn mới, cập nhật {updated}.")


@areas_cli.command("move")
@click.argument("code")
@click.argument("new_parent_code")
def areas_move(code, new_parent_code):
    """Move area CODE (with its subtree and history) under NEW_PARENT_CODE."""
    from .areas import AreaError, move_area
    from .models import Area

    with transaction() as session:
        area = session.scalar(select(Area).where(Area.code == code))
        parent = session.scalar(select(Area).where(Area.code == new_parent_code))
        if area is None or parent is None:
            fail(f"Không có địa bàn mã '{code if area is None else new_parent_code}'.")
        try:
            move_area(session, area, parent, actor="cli")
        except AreaError as err:
            fail(str(err))
    click.echo(f"Đã chuyển {code} vào {new_parent_code}.")


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
@click.option("--role", required=True, type=click.Choice(["admin", "supervisor", "enumerator", "viewer"]))
@click.option("--area", "areas", multiple=True, required=True, help="Area code; repeat for several.")
@click.option("--name", "full_name", default="", help="Full name.")
def users_create(username, role, areas, full_name):
    """Create an account; the password is read from stdin or prompted."""
    from .auth.service import AccountError, create_user

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
    from .auth.service import issue_token
    from .models import User

    with transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            fail(f"Không có tài khoản '{username}'.")
        token = issue_token(session, user, label=label, actor_name="cli")
    click.echo(token)


households_cli = AppGroup("households", help="The household register.")


@households_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default="admin", show_default=True, help="Account whose area limits apply.")
def households_import(file: Path, username: str):
    """Import households from CSV or XLSX; nothing is imported if any row is bad."""
    from .households.importing import ImportFailed, import_households
    from .models import User

    started = time.perf_counter()
    try:
        with transaction() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                fail(f"Không có tài khoản '{username}'.")
            result = import_households(session, user, file.name, file.read_bytes())
    except ImportFailed as failure:
        for line in failure.lines:
            click.echo(line, err=True)
        fail(f"Không nhập được: {len(failure.lines)} lỗi, không có hộ nào được nhập.")
    click.echo(f"Đã nhập {result.created} hộ mới, cập nhật {result.updated} hộ "
               f"trong {time.perf_counter() - started:.1f} giây.")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo data (once; running it again changes nothing)."""
    from .demo import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    with transaction() as session:
        loaded = seed_demo(session)
    click.echo("Đã nạp dữ liệu mẫu." if loaded else "Dữ liệu mẫu đã có sẵn, không nạp lại.")
    click.echo(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
    for username, what in DEMO_LOGINS:
        click.echo(f"  {username:10s} {what}")


def register_cli(app: Flask) -> None:
    from .scoring.cli import COMMAND_GROUPS as SCORING_GROUPS

    for group in (db_cli, areas_cli, users_cli, households_cli, *SCORING_GROUPS):
        app.cli.add_command(group)
    app.cli.add_command(seed_demo_command)
    from .submissions.cli import submissions_cli
    from .surveys.cli import questionnaires_cli, rounds_cli

    for group in (questionnaires_cli, rounds_cli, submissions_cli):
        app.cli.add_command(group)
