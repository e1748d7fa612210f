"""Shared fixtures: the app on each database, a clean database per test, clients and factories.

Database-backed tests run once on SQLite and once on PostgreSQL when
`TEST_DATABASE_URL` is set (otherwise the PostgreSQL runs are skipped with the
reason shown). Each database is built with the Alembic migrations, never
`create_all`, and emptied after every test.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from survey_app import create_app, migrate
from survey_app.auth import service as account_service
from survey_app.extensions import db
from survey_app.jobs.enqueue import job_queue
from survey_app.models import Base
from tests.support.live_server import csrf_in

account_service.HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only

# Fixtures shared by several test modules (browser, live server, the campaign round of the fieldwork tests).
pytest_plugins = ["tests.support.browser", "tests.support.fieldwork"]

KEEP_TABLES = {"ethnic_group"}  # reference data written by the migration itself


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        raw = os.environ.get("TEST_DATABASE_URL")
        if not raw:
            pytest.skip("PostgreSQL: TEST_DATABASE_URL is not set (.ci/run sets it)")
        from survey_app.config import normalise_database_url

        url = normalise_database_url(raw)
        try:
            _reset_postgres(url)
        except Exception as err:  # any connection failure means: skip, visibly
            pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {err}")
    migrate.upgrade(url)
    return url


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """A browser test fails on any Content-Security-Policy violation (tests/support/browser.py records them)."""
    yield
    if "chromium" in request.fixturenames:
        from tests.support.browser import assert_no_csp_violations

        assert_no_csp_violations(request.getfixturevalue("chromium"))


@pytest.fixture(scope="session")
def _apps():
    return {}


@pytest.fixture
def app(database_url, _apps, tmp_path_factory):
    if database_url not in _apps:
        _apps[database_url] = create_app({"TESTING": True, "DATABASE_URL": database_url, "REDIS_URL": None,
                                          "JOB_QUEUE_FILE": str(tmp_path_factory.mktemp("queue") / "q.sqlite3"),
                                          "SECRET_KEY": "test-secret", "LOGIN_LOCK_MINUTES": 15})
    application = _apps[database_url]
    db.use(application)
    # No app context is held open here: each test request pushes its own, as in production
    # (a shared one would keep Flask-Login's user in `g` across requests).
    yield application
    db.session.remove()
    _empty_database(application)
    if "job_queue" in application.extensions:  # ids of the rows just deleted must not reach the next test's worker
        job_queue(application).huey.flush()


def _empty_database(application) -> None:
    engine = application.extensions["database_engine"]
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        return
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in tables:  # the area tree references itself
            conn.execute(table.delete())
        conn.commit()
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("PRAGMA foreign_keys=ON")


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def factories(session):
    from tests.support.factories import Factories

    return Factories(session)


@pytest.fixture
def world(factories, session):
    """A small tree with two districts, accounts of every role, and households on both sides."""
    w = factories.world()
    session.commit()
    return w


csrf_from = csrf_in  # the page's CSRF token (one reading of it, shared with the live-server tests)


def login(client, username: str, password: str = "matkhau123"):
    page = client.get("/login")
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token(client, path: str = "/account") -> str:
    return csrf_from(client.get(path).get_data(as_text=True))
