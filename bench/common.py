"""Shared helpers for the benchmarks: a migrated scratch database and an app bound to it."""
from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from survey_app import create_app, migrate
from survey_app.extensions import db


def scratch_database(kind: str, url: str | None = None) -> str:
    """A fresh, migrated database: 'sqlite' in a temp dir, or 'postgresql' from BENCH_DATABASE_URL; ``url``
    names the database instead (a new SQLite file, or a PostgreSQL database whose schema is recreated)."""
    if kind == "sqlite":
        url = url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-')) / 'bench.sqlite3'}"
    else:
        url = url or os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/survey_bench")
        from sqlalchemy import create_engine, text

        from survey_app.config import normalise_database_url

        url = normalise_database_url(url)
        _create_database_if_missing(url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


def _create_database_if_missing(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}) is None:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def bench_app(url: str):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    db.use(app)
    return app


@contextmanager
def timed(label: str, results: dict):
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start
