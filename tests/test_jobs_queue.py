"""The job queue (Huey) and its worker: enqueue after the commit, bounded concurrency, crash recovery with a
bounded number of attempts, the worker heartbeat. On SQLite always; on Redis when it answers."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from survey_app import config
from survey_app.core.clock import utc_now
from survey_app.jobs import kinds, queue, service
from survey_app.jobs.enqueue import job_queue
from survey_app.models import Job
from survey_app.printing import booklet
from tests.conftest import csrf_token, login
from tests.support.job_worker import running_worker

RUNNING = {"now": 0, "most": 0}
LOCK = threading.Lock()


def observed_job(session, job, progress):
    """A booklet-sized wait that counts how many jobs run at the same moment (the real booklet takes tens of
    seconds on a loaded machine; its share of the cores is tested below)."""
    with LOCK:
        RUNNING["now"] += 1
        RUNNING["most"] = max(RUNNING["most"], RUNNING["now"])
    try:
        progress.start(1)
        time.sleep(0.5)
        progress.advance()
        path = Path(job.output_path)
        path.write_bytes(b"%PDF-1.7 test")
        return path, "tap.pdf"
    finally:
        with LOCK:
            RUNNING["now"] -= 1


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as err:  # any failure to answer means: skip, visibly
        pytest.skip(f"Redis at {url} is not reachable: {err}")
    return url


@pytest.fixture(params=["sqlite", "redis"])
def queue_app(request, app, monkeypatch, tmp_path):
    """The app with its queue on a fresh SQLite file or under a fresh name on Redis (shared by other users)."""
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path / "storage"))
    if request.param == "redis":
        monkeypatch.setitem(app.config, "REDIS_URL", _redis_url())
        monkeypatch.setitem(app.config, "JOB_QUEUE_NAME", f"survey-test-{uuid.uuid4().hex}")
    else:
        monkeypatch.setitem(app.config, "JOB_QUEUE_FILE", str(tmp_path / "queue.sqlite3"))
    yield app
    job_queue(app).huey.flush()


def _job(session, world, kind="village_booklet", **values) -> Job:
    job = service.create_job(session, kind=kind, title="Tập thử", user=world.users["dieutra"],
                             area=world.areas["V1"], params={"village": "V1", "households": None, "round": None},
                             output_dir=values.pop("output_dir"))
    for name, value in values.items():
        setattr(job, name, value)
    session.commit()
    return job


def _wait_until(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached in time")


def _states(session, ids):
    session.rollback()  # a fresh snapshot: the worker commits from its own connections
    session.expire_all()
    return {job_id: session.get(Job, job_id).state for job_id in ids}


def test_the_web_enqueues_after_its_commit_and_only_then(queue_app, world, session, factories, client, tmp_path):
    pending = job_queue(queue_app).huey.pending_count
    login(client, "giamsat")
    token = csrf_token(client)
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "C1"}).status_code == 422
    assert pending() == 0  # refused: no row, nothing queued
    response = client.post("/paper/booklets", data={"csrf_token": token, "village": "V1", "scope": "all"})
    assert response.status_code == 303 and pending() == 1
    assert client.post("/paper/booklets", data={"csrf_token": token, "village": "V1", "scope": "all"}).status_code == 303
    assert pending() == 1  # one active job per user: the second was refused with a message


def test_queued_jobs_never_run_more_than_the_configured_workers(queue_app, world, session, tmp_path, monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "observed", f"{__name__}:observed_job")
    RUNNING.update(now=0, most=0)
    ids = [_job(session, world, "observed", output_dir=tmp_path).id for _ in range(6)]
    for job_id in ids:
        job_queue(queue_app).enqueue(job_id)
    with running_worker(queue_app, workers=2):
        _wait_until(lambda: set(_states(session, ids).values()) == {"done"})
    assert RUNNING["most"] == 2  # both workers were used, never a third


def test_a_booklet_renders_with_its_share_of_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert queue.processes_per_job(2) == 4 and queue.processes_per_job(8) == 1 and queue.processes_per_job(16) == 1
    queue.set_process_workers(4)
    try:
        assert booklet.pool_size() == 2  # 4 jobs at once x 2 rendering processes = the 8 cores
    finally:
        queue.set_process_workers(config.job_workers(os.environ))
    assert config.job_workers({}) == 2 and config.job_workers({"JOB_WORKERS": "0"}) == 1


def test_a_job_whose_worker_was_killed_is_run_again(queue_app, world, session, tmp_path, monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "observed", f"{__name__}:observed_job")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)

    crashed = _job(session, world, "observed", output_dir=tmp_path, state="running", worker_pid=int(finished.stdout),
                   worker_host=socket.gethostname(), heartbeat_at=utc_now(), total=3, done=1)
    with running_worker(queue_app):  # its watchman finds the dead worker's job and queues it again
        _wait_until(lambda: _states(session, [crashed.id])[crashed.id] == "done")
    job = session.get(Job, crashed.id)
    assert job.attempts == 1 and job.message == "" and (job.done, job.total) == (1, 1)


def test_a_job_that_keeps_crashing_fails_after_the_last_attempt(world, session, tmp_path):
    now = utc_now()
    job = _job(session, world, output_dir=tmp_path, state="running", worker_host="other-host",
               heartbeat_at=now - service.HEARTBEAT_TIMEOUT - timedelta(seconds=1))
    runs = 1
    while True:
        retry = service.recover_stale(session, [job], now=now)
        if not retry:
            break
        assert retry == [job.id] and job.state == "queued"
        assert job.message == f"Tiến trình in bị gián đoạn; đang thử lại (lần {runs + 1}/{service.MAX_ATTEMPTS})."
        runs += 1
        job.state, job.worker_host, job.heartbeat_at = "running", "other-host", now - service.HEARTBEAT_TIMEOUT * 2
    assert runs == service.MAX_ATTEMPTS
    assert (job.state, job.message) == ("failed", service.CRASHED_MESSAGE)
    assert "dừng bất thường 3 lần" in job.message


def test_a_queued_job_waits_behind_running_ones_but_a_forgotten_one_is_queued_again(world, session, tmp_path):
    now = utc_now()
    long_ago = now - service.QUEUE_TIMEOUT - timedelta(seconds=1)
    waiting = _job(session, world, output_dir=tmp_path, created_at=long_ago)
    busy = _job(session, world, output_dir=tmp_path, state="running", worker_host="other-host", heartbeat_at=now)
    assert service.recover_stale(session, [waiting, busy], now=now) == [] and waiting.state == "queued"
    busy.state = "done"
    session.flush()
    assert service.recover_stale(session, [waiting], now=now) == [waiting.id] and waiting.attempts == 1


def test_the_worker_heartbeat_is_what_healthz_reads(queue_app, client):
    assert client.get("/healthz").get_json() == {"status": "degraded", "database": "ok",
                                                 "queue": "degraded: no job worker running"}
    with running_worker(queue_app):
        _wait_until(lambda: job_queue(queue_app).worker_silence() is not None, seconds=10)
        response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_flask_jobs_worker_runs_as_its_own_process(queue_app, world, session, tmp_path):
    job = _job(session, world, "no_such_kind", output_dir=tmp_path)  # fails fast, with its message: it ran
    job_queue(queue_app).enqueue(job.id)
    config = queue_app.config
    env = {**os.environ, "DATABASE_URL": config["DATABASE_URL"], "JOB_QUEUE_FILE": config["JOB_QUEUE_FILE"],
           "JOB_QUEUE_NAME": config["JOB_QUEUE_NAME"], "SECRET_KEY": "x", "JOB_WORKERS": "1"}
    env.pop("REDIS_URL", None)
    if config.get("REDIS_URL"):
        env["REDIS_URL"] = config["REDIS_URL"]
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until(lambda: _states(session, [job.id])[job.id] in ("done", "failed"))
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert session.get(Job, job.id).message == "Loại công việc không được hỗ trợ: no_such_kind.", output
    assert "1 công việc cùng lúc" in output and worker.returncode == 0
