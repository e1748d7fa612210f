"""CLI group `households`: import the household register from CSV or XLSX."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..commands import fail, transaction

households_cli = AppGroup("households", help="The household register.")


@households_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "username", default="admin", show_default=True, help="Account whose area limits apply.")
def households_import(file: Path, username: str):
    """Import households from CSV or XLSX; nothing is imported if any row is bad."""
    from ..models import User
    from .importing import ImportFailed, import_households

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
