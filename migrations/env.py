"""Alembic environment. Run through `flask --app wsgi db upgrade` (survey_app.migrate),
which passes the app's database URL; `DATABASE_URL` is used otherwise."""
from __future__ import annotations

import os
from logging.config import fileConfig  # noqa: F401  (kept for developers who add logging config)

from alembic import context
from sqlalchemy import create_engine

from survey_app.config import normalise_database_url
from survey_app.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("No database URL: run `flask --app wsgi db upgrade` or set DATABASE_URL.")
    return normalise_database_url(url)


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
