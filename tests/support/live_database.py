"""Databases for live servers (tests/support/live_server.py) and benches that start gunicorn.

PostgreSQL: a live server gets a database of its own, ``<TEST_DATABASE_URL's database>_live`` (or
``…_<name>_live``) on the same server, dropped and created again through the ``postgres`` maintenance database. No
other database is touched. SQLite: a file in the test's folder.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

LIVE_SUFFIX = "_live"


def live_postgres_url(raw_url: str) -> str:
    """The URL of the live tests' own database: TEST_DATABASE_URL's database name plus ``_live``."""
    from survey_app.config import normalise_database_url

    url = make_url(normalise_database_url(raw_url))
    return url.set(database=f"{url.database}{LIVE_SUFFIX}").render_as_string(hide_password=False)


def _maintenance_engine(live_url: str):
    url = make_url(live_url)
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 5})


def _live_name(live_url: str) -> str:
    name = make_url(live_url).database
    assert name and name.endswith(LIVE_SUFFIX) and re.fullmatch(r"[A-Za-z0-9_]+", name), name
    return name


def _maintain(live_url: str, *statements: str) -> None:
    engine = _maintenance_engine(live_url)
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def recreate_postgres_database(live_url: str) -> None:
    """Drop (if present) and create the live database. Only ever called with a name ending in ``_live``."""
    name = _live_name(live_url)
    _maintain(live_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_postgres_database(live_url: str) -> None:
    _maintain(live_url, f'DROP DATABASE IF EXISTS "{_live_name(live_url)}" WITH (FORCE)')


def live_database(kind: str, workdir: Path, name: str = "") -> tuple[str, str | None]:
    """A fresh database for a live test: ``(url, postgres_url)``, postgres_url None for SQLite (a file in
    ``workdir``); on PostgreSQL ``<TEST_DATABASE_URL's database>_<name>_live``, created anew (drop it at the end
    with drop_postgres_database). Skips, with the reason, when PostgreSQL is not configured or not reachable."""
    import pytest

    if kind == "sqlite":
        return f"sqlite:///{workdir / ((name or 'live') + '.sqlite3')}", None
    raw = os.environ.get("TEST_DATABASE_URL")
    if not raw:
        pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set (.ci/run sets it)")
    url = make_url(live_postgres_url(raw))
    if name:
        url = url.set(database=f"{url.database[:-len(LIVE_SUFFIX)]}_{name}{LIVE_SUFFIX}")
    postgres_url = url.render_as_string(hide_password=False)
    try:
        recreate_postgres_database(postgres_url)
    except Exception as err:  # any connection failure means: skip, visibly
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable (or cannot create {url.database}): {err}")
    return postgres_url, postgres_url


# -- the server ----------------------------------------------------------------------------------------------------
