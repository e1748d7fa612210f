"""Two app servers behind one address: two gunicorn instances on one database, one STORAGE_DIR (the shared
volume) and one SECRET_KEY from the environment. One user's requests go alternately to both: the login on A holds
on B, a form posted to A with the token of a page of B is accepted, and a booklet job created through A is
followed and downloaded through B.

Runs on SQLite (a file in tmp_path) and on PostgreSQL when TEST_DATABASE_URL is set (``<that database>_live``).
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy.orm import Session

from survey_app import migrate
from survey_app.database import make_engine
from tests.support.factories import PASSWORD, Factories
from tests.support.live_database import drop_postgres_database, live_database
from tests.support.live_server import LiveServer, csrf_in, log_in, request, start_job_worker, stop_job_worker
from tests.support.pdf import have_poppler, pdf_text
from tests.support.printing import campaign_round, submit_household

pytestmark = pytest.mark.skipif(not have_poppler(("pdftotext", "pdfunite")),
                                reason="poppler-utils (pdftotext, pdfunite) is not installed")


def _seed(url: str) -> None:
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            factories = Factories(session)
            world = factories.world()
            factories.household(world.areas["V1"], code="HV1-002", head_name="Y Brơm")
            submit_household(session, world.users["dieutra"], world.households["in"], campaign_round(session))
            session.commit()
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def servers(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"two_{request.param}")
    url, postgres_url = live_database(request.param, workdir, "two")
    shared = {"STORAGE_DIR": str(workdir / "shared-volume"), "SURVEY_ENV": "production",
              "JOB_QUEUE_FILE": str(workdir / "job-queue.sqlite3"), "REDIS_URL": ""}  # one queue, one worker
    pair = [LiveServer(url, workdir / f"gunicorn-{name}.log", workers=1, threads=4, secret_key="one-key-for-all",
                       env=shared) for name in ("a", "b")]
    worker = None
    try:
        migrate.upgrade(url)
        _seed(url)
        for server in pair:
            server.start()
        worker = start_job_worker(url, "one-key-for-all", shared, workdir / "jobs.log")
        yield pair, workdir / "shared-volume"
    finally:
        stop_job_worker(worker)
        for server in pair:
            server.stop()
        if postgres_url is not None:
            drop_postgres_database(postgres_url)


def test_one_users_requests_alternate_between_two_servers(servers):
    (a, b), volume = servers
    browser = log_in(a, "dieutra", PASSWORD)
    for index, path in enumerate(["/account", "/households/", "/households/HV1-002", "/paper/jobs",
                                  "/paper/booklets/new?village=V1", "/households/"]):
        server = (b, a)[index % 2]
        page = request(server, "GET", path, headers=browser.cookie_header)
        assert page.status == 200, (server.port, path, page.status, server.log_tail())
        assert "dieutra" in page.text
    form_page = request(b, "GET", "/paper/booklets/new?village=V1", headers=browser.cookie_header)
    created = request(a, "POST", "/paper/booklets", headers=browser.cookie_header,
                      form={"csrf_token": csrf_in(form_page.text), "village": "V1", "scope": "all",
                            "round": "R2024"})
    assert created.status == 303, (created.status, created.text[:300], a.log_tail())
    job_path = created.headers["location"].replace("http://localhost", "")
    job_id = int(job_path.rstrip("/").split("/")[-1])
    deadline, data = time.monotonic() + 120, {}
    while time.monotonic() < deadline:
        status = request(b, "GET", f"/paper/jobs/{job_id}/status",
                         headers=browser.cookie_header)
        assert status.status == 200, status.status
        data = status.json()
        if data["state"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert data["state"] == "done", data
    assert (volume / "jobs" / f"job-{job_id}.pdf").is_file()
    download = request(b, "GET", data["download_url"], headers=browser.cookie_header)
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    assert "Y Brơm" in pdf_text(download.body, volume)
    assert request(b, "GET", "/account").status == 302  # without the cookie: the login page, on either server
