"""Command-line interface: `flask --app wsgi COMMAND` from the repository root.

Each command runs in one transaction (``commands.transaction``): it commits at the end or rolls back on error.
Here: the `db` and `areas` groups and the list of every feature's group.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .commands import fail, transaction

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


def register_cli(app: Flask) -> None:
    from .auth.cli import users_cli
    from .backup import backup_cli
    from .demo.cli import demo_cli, seed_demo_command
    from .households.cli import households_cli
    from .jobs.cli import jobs_cli
    from .reports.cli import reports_cli, targets_cli
    from .results.cli import rulesets_cli, scoring_cli
    from .submissions.cli import submissions_cli
    from .surveys.cli import questionnaires_cli, rounds_cli

    for group in (db_cli, backup_cli, areas_cli, users_cli, households_cli, questionnaires_cli, rounds_cli, rulesets_cli,
                  scoring_cli, targets_cli, reports_cli, submissions_cli, jobs_cli, demo_cli, seed_demo_command):
        app.cli.add_command(group)
