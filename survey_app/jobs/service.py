"""Creating and watching background jobs, and recovering the ones whose worker died.

Protocol: the request adds a queued `job` row; once the request has committed, its id goes onto the queue
(jobs/queue.py, ``enqueue_after_commit``). The worker (``flask jobs worker``) claims the row (queued -> running),
commits progress and a heartbeat as it goes, and ends it done (with the output file) or failed (with a
Vietnamese message). Nothing waits for the worker: web workers are never blocked.

A worker that died (killed, out of memory, machine restarted) cannot say so; :func:`recover_stale` recognises it
(called by the worker every few seconds and by a page reading the job): a running job whose process is gone from
this host or whose heartbeat is older than ``HEARTBEAT_TIMEOUT``, and a queued job no worker took within
``QUEUE_TIMEOUT``, go back on the queue, at most ``MAX_ATTEMPTS`` times; then they are marked failed.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from survey_app.core.clock import utc_now
from survey_app.models import Area, Job, User

HEARTBEAT_TIMEOUT = timedelta(minutes=5)
QUEUE_TIMEOUT = timedelta(minutes=2)
MAX_ATTEMPTS = 3  # runs of a job whose worker keeps dying, before it is failed
RETRY_MESSAGE = "Tiến trình in bị gián đoạn; đang thử lại (lần {attempt}/{limit})."
CRASHED_MESSAGE = (f"Tiến trình in đã dừng bất thường {MAX_ATTEMPTS} lần (máy chủ khởi động lại hoặc hết bộ nhớ). "
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


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(job: Job, now: datetime, workers_busy: bool = False) -> str | None:
    """The failure message if the job's worker is evidently gone (or none took it), else None. A queued job
    waits as long as other jobs are running (``workers_busy``): it is behind them in the queue, not lost."""
    if job.state == "queued":
        waiting_since = job.heartbeat_at or job.created_at  # a job put back on the queue: since then
        return NOT_STARTED_MESSAGE if not workers_busy and now - waiting_since > QUEUE_TIMEOUT else None
    if job.state != "running":
        return None
    if job.worker_pid and job.worker_host == socket.gethostname() and not process_alive(job.worker_pid):
        return CRASHED_MESSAGE
    last = job.heartbeat_at or job.started_at or job.created_at
    return CRASHED_MESSAGE if now - last > HEARTBEAT_TIMEOUT else None


def recover_stale(session: Session, jobs: Iterable[Job], now: datetime | None = None) -> list[int]:
    """Put back on the queue (state queued, one more attempt) the active jobs whose worker is gone, or mark them
    failed once ``MAX_ATTEMPTS`` are used. Written in the caller's transaction; returns the ids to enqueue
    after it commits."""
    now = now or utc_now()
    busy = bool(session.scalar(select(func.count(Job.id)).where(Job.state == "running",
                                                                Job.heartbeat_at > now - HEARTBEAT_TIMEOUT)))
    retry: list[int] = []
    for job in jobs:
        message = is_stale(job, now, workers_busy=busy)
        if not message:
            continue
        if job.attempts + 1 < MAX_ATTEMPTS:
            job.attempts += 1
            job.state, job.worker_pid, job.worker_host, job.done, job.heartbeat_at = "queued", None, "", 0, now
            job.message = RETRY_MESSAGE.format(attempt=job.attempts + 1, limit=MAX_ATTEMPTS)
            retry.append(job.id)
        else:
            job.state, job.message, job.finished_at = "failed", message, now
    session.flush()
    return retry


def active_jobs(session: Session) -> list[Job]:
    return list(session.scalars(select(Job).where(or_(Job.state == "queued", Job.state == "running"))))


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
