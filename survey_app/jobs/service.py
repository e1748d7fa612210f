"""Creating, starting and watching background jobs from the web process.

Protocol: the request adds a queued `job` row and starts a detached worker (`python -m survey_app.jobs.worker
ID`, its own session, stdout/stderr to `<output dir>/job-ID.log`). The request commits at its boundary after
returning, so the worker waits for the row to become visible. The worker claims the row (queued -> running),
commits progress and a heartbeat as it goes, and ends it done (with the output file) or failed (with a
Vietnamese message). Nothing waits for the worker: web workers are never blocked.

A worker that died (killed, out of memory, machine restarted) cannot say so; :func:`expire_stale` recognises it
when a page reads the job: a running job whose process is gone from this host, or whose heartbeat is older than
``HEARTBEAT_TIMEOUT``, and a queued job never picked up within ``QUEUE_TIMEOUT``, are marked failed.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.core.clock import utc_now
from survey_app.models import Area, Job, User

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
HEARTBEAT_TIMEOUT = timedelta(minutes=5)
QUEUE_TIMEOUT = timedelta(minutes=2)
CRASHED_MESSAGE = ("Tiến trình in đã dừng bất thường (máy chủ khởi động lại hoặc hết bộ nhớ). "
                   "Hãy tạo lại tập hồ sơ.")
NOT_STARTED_MESSAGE = "Tiến trình in không khởi động được. Hãy thử lại hoặc báo quản trị hệ thống."


def create_job(session: Session, *, kind: str, title: str, user: User, area: Area, params: dict,
               output_dir: Path) -> Job:
    """Add a queued job (flushed, so it has an id); its output goes to ``output_dir/job-ID.pdf``."""
    job = Job(kind=kind, title=title[:300], user_id=user.id, area_id=area.id, params=params, state="queued",
              total=0, done=0, message="", worker_host="")
    session.add(job)
    session.flush()
    job.output_path = str(Path(output_dir) / f"job-{job.id}.pdf")
    session.flush()
    return job


def launch_worker(job_id: int, database_url: str, output_dir: Path) -> subprocess.Popen:
    """Start the detached worker for ``job_id`` (own session group: it survives the web worker's restart)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, DATABASE_URL=database_url, PYTHONPATH=str(PROJECT_ROOT))
    with open(output_dir / f"job-{job_id}.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "survey_app.jobs.worker", str(job_id)], cwd=str(PROJECT_ROOT), env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, close_fds=True)
    # Reap the child when it ends, so that it does not linger as a zombie that looks alive to expire_stale.
    threading.Thread(target=process.wait, name=f"job-{job_id}-reaper", daemon=True).start()
    return process


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(job: Job, now: datetime) -> str | None:
    """The failure message if the job's worker is evidently gone, else None."""
    if job.state == "queued":
        return NOT_STARTED_MESSAGE if now - job.created_at > QUEUE_TIMEOUT else None
    if job.state != "running":
        return None
    if job.worker_pid and job.worker_host == socket.gethostname() and not process_alive(job.worker_pid):
        return CRASHED_MESSAGE
    last = job.heartbeat_at or job.started_at or job.created_at
    return CRASHED_MESSAGE if now - last > HEARTBEAT_TIMEOUT else None


def expire_stale(session: Session, jobs: Iterable[Job], now: datetime | None = None) -> None:
    """Mark failed the active jobs whose worker is gone (written in the caller's transaction)."""
    now = now or utc_now()
    for job in jobs:
        message = is_stale(job, now)
        if message:
            job.state, job.message, job.finished_at = "failed", message, now
    session.flush()


def queue_problem(session: Session, storage_dir: Path, now: datetime | None = None) -> str | None:
    """What keeps jobs from running, for /healthz: the job folder of STORAGE_DIR not writable, or queued jobs
    that no worker picked up within QUEUE_TIMEOUT. None when the queue is healthy."""
    folder = Path(storage_dir) / "jobs"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".healthz-{socket.gethostname()}-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as err:
        return f"storage not writable: {type(err).__name__}"
    cutoff = (now or utc_now()) - QUEUE_TIMEOUT
    stuck = session.scalar(select(func.count(Job.id)).where(Job.state == "queued", Job.created_at < cutoff))
    return f"{stuck} queued job(s) not started" if stuck else None


def job_json(job: Job) -> dict:
    return {"id": job.id, "state": job.state, "state_label": job.state_label, "done": job.done,
            "total": job.total, "percent": job.percent, "message": job.message, "title": job.title}
