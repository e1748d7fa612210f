"""`flask backup create PATH` and `flask backup restore PATH [--force]`.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot while the app keeps
running and writing; the copy is written beside PATH and renamed into place, so PATH is never half a backup.
PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot too) and ``pg_restore --clean``; both read the
connection from DATABASE_URL. A restore refuses to overwrite a database that holds tables unless ``--force``.
Restore with the app servers and the job worker stopped (docs/deployment.md).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from .commands import fail
from .core.formatting import format_int

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message (Vietnamese) says why."""


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The URL pg_dump/pg_restore understand: the SQLAlchemy driver name removed."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name} (cài gói postgresql-client).")
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} thất bại (mã {done.returncode}): {done.stderr.strip()[-800:]}")


def create_backup(url: str, path: Path) -> Path:
    """Write a consistent backup of the database at ``url`` to ``path`` (replaced if it exists)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.unlink(missing_ok=True)
    if _is_sqlite(url):
        source = sqlite3.connect(_sqlite_file(url), timeout=30)
        target = sqlite3.connect(partial)
        try:
            source.backup(target)  # pages copied under SQLite's own locking: a snapshot of committed data
        finally:
            target.close()
            source.close()
    else:
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
              f"--dbname={_libpq_url(url)}"])
    os.replace(partial, path)
    return path


def _holds_tables(url: str) -> bool:
    if _is_sqlite(url) and not _sqlite_file(url).exists():
        return False
    engine = create_engine(url)
    try:
        return bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def restore_backup(url: str, path: Path, *, force: bool = False) -> None:
    """Replace the database at ``url`` by the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không có tệp sao lưu {path}.")
    header = path.read_bytes()[:16]
    sqlite = _is_sqlite(url)
    if not header.startswith(SQLITE_HEADER if sqlite else PG_DUMP_HEADER):
        kind = "SQLite" if sqlite else "pg_dump (định dạng custom)"
        raise BackupError(f"Tệp {path} không phải bản sao lưu {kind} của cơ sở dữ liệu này.")
    if not force and _holds_tables(url):
        raise BackupError("Cơ sở dữ liệu đích đang có dữ liệu. Dừng máy chủ và tiến trình công việc, rồi chạy lại "
                          "với --force để ghi đè.")
    if sqlite:
        target_file = _sqlite_file(url)
        target_file.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(target_file, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", f"--dbname={_libpq_url(url)}", str(path)])


backup_cli = AppGroup("backup", help="Backups of the database (consistent while the app runs).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path):
    """Write a backup of DATABASE_URL to PATH."""
    try:
        create_backup(current_app.config["DATABASE_URL"], path)
    except BackupError as err:
        fail(str(err))
    click.echo(f"Đã sao lưu vào {path} ({format_int(path.stat().st_size)} byte).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that holds data.")
def backup_restore(path: Path, force: bool):
    """Replace DATABASE_URL's database by the backup at PATH (stop the servers and the worker first)."""
    try:
        restore_backup(current_app.config["DATABASE_URL"], path, force=force)
    except BackupError as err:
        fail(str(err))
    click.echo(f"Đã khôi phục cơ sở dữ liệu từ {path}.")
