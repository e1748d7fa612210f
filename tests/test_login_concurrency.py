"""Parallel wrong logins against a RUNNING server (gunicorn, 2 workers × 4 threads): the attempt counter is one
atomic statement, so 24 wrong passwords sent at once lock the account after exactly the allowance of checks (the
review found about 32 guesses checked and no lock). SQLite, and PostgreSQL when TEST_DATABASE_URL is set (in a
database of its own, ``<that database>_login_live``)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app import migrate
from survey_app.auth.service import LOGIN_REFUSED
from survey_app.core.clock import utc_now
from survey_app.database import make_engine
from survey_app.models import AuditEntry, LoginThrottle
from tests.support.factories import PASSWORD, Factories
from tests.support.live_database import drop_postgres_database, live_database
from tests.support.live_server import Call, LiveServer, csrf_in, request, run_together

PARALLEL = 24
ALLOWANCE = 5  # LOGIN_MAX_FAILURES's default, which the server runs with


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"login_{request.param}")
    url, postgres_url = live_database(request.param, workdir, "login")
    server = LiveServer(url, workdir / "gunicorn.log")
    engine = make_engine(url)
    try:
        migrate.upgrade(url)
        with Session(engine) as session:
            Factories(session).world()
            session.commit()
        server.start()
        yield server, engine
    finally:
        server.stop()
        engine.dispose()
        if postgres_url is not None:
            drop_postgres_database(postgres_url)


def test_parallel_wrong_logins_lock_the_account(live):
    server, engine = live
    page = request(server, "GET", "/login")
    cookie = page.set_cookies[0].split(";", 1)[0]
    csrf = csrf_in(page.text)
    calls = [Call("POST", "/login", form={"username": "dieutra", "password": f"sai-{n}", "csrf_token": csrf},
                  headers={"Cookie": cookie}, tag=n) for n in range(PARALLEL)]
    outcomes = run_together(server, calls)
    assert [o.status for o in outcomes] == [200] * PARALLEL, (outcomes, server.error_summary())
    assert all(LOGIN_REFUSED in o.body.decode() for o in outcomes)
    with Session(engine) as session:
        row = session.get(LoginThrottle, "account:dieutra")
        assert row.failures == ALLOWANCE  # only the allowance was checked; the others were refused unchecked
        assert row.blocked_until > utc_now()
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "user.throttled")) == 1
    right = request(server, "POST", "/login", form={"username": "dieutra", "password": PASSWORD, "csrf_token": csrf},
                    headers={"Cookie": cookie})
    assert right.status == 200 and LOGIN_REFUSED in right.text
