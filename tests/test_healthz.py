"""/healthz: the database and the job queue, without login; 503 naming what failed."""
from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import update

from survey_app import create_app
from survey_app.core.clock import utc_now
from survey_app.jobs import queue as queue_module
from survey_app.jobs import service
from survey_app.jobs.enqueue import job_queue
from survey_app.models import Job


def test_healthy_without_login(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    job_queue(app).write_worker_beat()  # a worker is running
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert list((tmp_path / "storage" / "jobs").iterdir()) == []  # the write probe is removed


def test_a_job_no_worker_picked_up_is_reported(app, world, session, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    job = service.create_job(session, kind="village_booklet", title="Tập", user=world.users["dieutra"],
                             area=world.areas["V1"], params={}, output_dir=tmp_path)
    session.commit()
    job_queue(app).write_worker_beat()
    assert client.get("/healthz").status_code == 200  # just queued: a worker is on its way
    session.execute(update(Job).where(Job.id == job.id)
                    .values(created_at=utc_now() - service.QUEUE_TIMEOUT - timedelta(seconds=1)))
    session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "queue": "error: 1 queued job(s) not started"}


def test_no_worker_heartbeat_is_degraded_not_down(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setitem(app.config, "JOB_QUEUE_FILE", str(tmp_path / "queue.sqlite3"))
    never = client.get("/healthz")
    assert never.status_code == 200
    assert never.get_json() == {"status": "degraded", "database": "ok", "queue": "degraded: no job worker running"}
    job_queue(app).write_worker_beat()
    assert client.get("/healthz").get_json()["status"] == "ok"
    later = time.time() + queue_module.WORKER_SILENCE_SECONDS + 1
    monkeypatch.setattr(queue_module.time, "time", lambda: later)
    assert client.get("/healthz").get_json()["queue"] == "degraded: no job worker running"  # it went silent


def test_unreachable_queue_storage_is_an_error(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["queue"] == "error: ConnectionError"


def test_unwritable_storage_is_reported(app, client, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(blocker))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["queue"].startswith("error: storage not writable")


def test_unreachable_database_is_reported(tmp_path):
    broken = create_app({"TESTING": True, "SECRET_KEY": "x", "STORAGE_DIR": str(tmp_path),
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"})
    from survey_app.extensions import db

    try:
        response = broken.test_client().get("/healthz")
    finally:
        db.session.remove()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error: OperationalError"
    assert body["queue"] == "unknown (no database)"
