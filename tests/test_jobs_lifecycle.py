"""The background job runner: claim, progress, done, failures, stale workers. Handlers here are test kinds."""
from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from survey_app.jobs import kinds, service
from survey_app.jobs.worker import run_job
from survey_app.models import Job

SEEN: list[tuple[str, int, int]] = []


def _observe(job_id: int, engine) -> None:
    with Session(bind=engine) as other:  # what a polling page sees, from another connection
        row = other.get(Job, job_id)
        SEEN.append((row.state, row.done, row.total))


def counting_handler(session, job, progress):
    engine = session.get_bind()
    progress.start(3)
    _observe(job.id, engine)
    for _ in range(3):
        progress.advance()
        _observe(job.id, engine)
    path = Path(job.output_path)
    path.write_bytes(b"%PDF-1.7 test")
    return path, "ket-qua.pdf"


def refusing_handler(session, job, progress):
    progress.start(2)
    progress.advance()
    raise kinds.JobFailure("Không có hộ nào để in trong thôn đã chọn.")


def crashing_handler(session, job, progress):
    raise ZeroDivisionError("boom")


@pytest.fixture
def job_kinds(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "counting", f"{__name__}:counting_handler")
    monkeypatch.setitem(kinds.KINDS, "refusing", f"{__name__}:refusing_handler")
    monkeypatch.setitem(kinds.KINDS, "crashing", f"{__name__}:crashing_handler")
    SEEN.clear()


def _job(session, world, kind: str, tmp_path) -> Job:
    job = service.create_job(session, kind=kind, title="Tập thử", user=world.users["dieutra"],
                             area=world.areas["V1"], params={}, output_dir=tmp_path)
    session.commit()
    return job


def _reload(session, job: Job) -> Job:
    session.expire_all()
    return session.get(Job, job.id)


def test_queued_running_done_with_progress(app, world, session, tmp_path, job_kinds):
    job = _job(session, world, "counting", tmp_path)
    assert job.state == "queued" and job.output_path == str(tmp_path / f"job-{job.id}.pdf")
    assert run_job(app.extensions["database_engine"], job.id) == "done"
    assert SEEN == [("running", 0, 3), ("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    job = _reload(session, job)
    assert (job.state, job.done, job.total, job.percent) == ("done", 3, 3, 100)
    assert job.output_name == "ket-qua.pdf" and Path(job.output_path).read_bytes().startswith(b"%PDF")
    assert job.started_at is not None and job.finished_at is not None and job.message == ""


def test_a_job_runs_only_once(app, world, session, tmp_path, job_kinds):
    job = _job(session, world, "counting", tmp_path)
    engine = app.extensions["database_engine"]
    assert run_job(engine, job.id) == "done"
    assert run_job(engine, job.id, wait=0.2) is None  # already claimed: nothing to run
    assert run_job(engine, 999_999, wait=0.2) is None  # never committed (request rolled back)


def test_failure_keeps_the_vietnamese_message(app, world, session, tmp_path, job_kinds):
    job = _job(session, world, "refusing", tmp_path)
    assert run_job(app.extensions["database_engine"], job.id) == "failed"
    job = _reload(session, job)
    assert job.state == "failed" and job.done == 1 and job.total == 2
    assert job.message == "Không có hộ nào để in trong thôn đã chọn."


def test_a_crash_becomes_a_failed_job_with_a_generic_message(app, world, session, tmp_path, job_kinds, capsys):
    job = _job(session, world, "crashing", tmp_path)
    assert run_job(app.extensions["database_engine"], job.id) == "failed"
    job = _reload(session, job)
    assert job.message.startswith("Lỗi khi thực hiện: ZeroDivisionError.")
    assert "ZeroDivisionError: boom" in capsys.readouterr().err  # the traceback goes to the worker's log


def test_dead_or_silent_workers_are_retried_and_on_the_last_attempt_failed(world, session, tmp_path):
    now = datetime.now(timezone.utc)
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead_pid = int(finished.stdout)
    dead = _job(session, world, "counting", tmp_path)
    dead.state, dead.worker_pid, dead.worker_host, dead.heartbeat_at = "running", dead_pid, socket.gethostname(), now
    silent = _job(session, world, "counting", tmp_path)
    silent.state, silent.worker_host, silent.heartbeat_at = "running", "other-host", now - timedelta(minutes=6)
    alive = _job(session, world, "counting", tmp_path)
    alive.state, alive.worker_host, alive.heartbeat_at = "running", "other-host", now - timedelta(seconds=30)
    never = _job(session, world, "counting", tmp_path)
    never.created_at = now - timedelta(minutes=3)
    fresh = _job(session, world, "counting", tmp_path)
    last = _job(session, world, "counting", tmp_path)
    last.state, last.worker_host, last.attempts = "running", "other-host", service.MAX_ATTEMPTS - 1
    last.heartbeat_at = now - timedelta(minutes=6)
    retry = service.recover_stale(session, [dead, silent, alive, never, fresh, last], now=now)
    assert retry == [dead.id, silent.id]
    assert (dead.state, dead.attempts, dead.worker_pid) == ("queued", 1, None)
    assert (silent.state, silent.attempts, silent.heartbeat_at) == ("queued", 1, now)
    assert (last.state, last.message) == ("failed", service.CRASHED_MESSAGE)
    assert alive.state == "running" and fresh.state == "queued" and never.state == "queued"  # behind the running one, not lost


def test_unknown_kind_fails_cleanly(app, world, session, tmp_path):
    job = _job(session, world, "no_such_kind", tmp_path)
    assert run_job(app.extensions["database_engine"], job.id) == "failed"
    assert _reload(session, job).message == "Loại công việc không được hỗ trợ: no_such_kind."
