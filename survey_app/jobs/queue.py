"""The job queue: Huey, with SQLite in ``instance/`` as the embedded default and Redis when ``REDIS_URL`` is set.

The web process only enqueues a job id, after the request that created the `job` row has committed
(``web.after_commit``); the worker process (``flask jobs worker``, jobs/cli.py) takes ids off the queue and runs
them with ``worker.run_job``, which claims the row first, so a job id delivered twice still runs once. The queue
holds nothing else the user sees: the `job` table stays the record of progress and outcome.

Concurrency is bounded twice: ``JOB_WORKERS`` Huey worker processes run at most that many jobs at once, and a job
that renders in parallel (the booklet) gets ``processes_per_job()`` processes, so their product stays within the
machine's cores.

The worker also writes a heartbeat into the queue's own storage every ``WORKER_BEAT_SECONDS``; ``/healthz``
reads it to tell "no worker is running" from "the queue is merely idle".
"""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.constants import EmptyData

from survey_app.config import job_workers

RUN_JOB_TASK = "run_job"
WORKER_BEAT_KEY = "survey-jobs-worker-heartbeat"
WORKER_BEAT_SECONDS = 10.0
WORKER_SILENCE_SECONDS = 60.0  # no heartbeat for this long: no worker is running


def processes_per_job(workers: int | None = None) -> int:
    """Rendering processes one job may start: the cores shared by the workers that may run at the same time
    (``JOB_WORKERS``, or what this worker process was started with)."""
    return max(1, (os.cpu_count() or 1) // (workers or _process_workers[0]))


def set_process_workers(workers: int) -> None:
    _process_workers[0] = workers


_process_workers = [job_workers(os.environ)]


@dataclass(frozen=True)
class JobQueue:
    """A Huey and its one task, "run this job id" (built the same way in the web and the worker processes)."""

    huey: Huey
    run_job: TaskWrapper

    def enqueue(self, job_id: int) -> None:
        self.run_job(job_id)

    def write_worker_beat(self) -> None:
        beat = f"{time.time():.3f} {socket.gethostname()} {os.getpid()}"
        self.huey.storage.put_data(WORKER_BEAT_KEY, beat.encode())

    def worker_silence(self, now: float | None = None) -> float | None:
        """Seconds since a worker last wrote its heartbeat, None if none ever did. Raises if the storage does
        not answer (the health check reports it)."""
        value = self.huey.storage.peek_data(WORKER_BEAT_KEY)
        if value is EmptyData:
            return None
        return (now or time.time()) - float(bytes(value).split()[0])


def make_queue(config) -> JobQueue:
    """The queue of this configuration: Redis if ``REDIS_URL`` is set, else the SQLite file ``JOB_QUEUE_FILE``."""
    if config.get("REDIS_URL"):
        huey = RedisHuey(config["JOB_QUEUE_NAME"], url=config["REDIS_URL"], results=False)
    else:
        path = Path(config["JOB_QUEUE_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(config["JOB_QUEUE_NAME"], filename=str(path), results=False)
    return JobQueue(huey, huey.task(name=RUN_JOB_TASK)(_run_job_task))


def _run_job_task(job_id: int) -> None:
    from .consumer import run_queued_job  # the worker side: imports the database only in the worker

    run_queued_job(job_id)
