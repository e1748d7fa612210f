"""The worker process: Huey's consumer with ``JOB_WORKERS`` threads, plus a watchman thread.

Threads, not processes: a job mostly waits on its own rendering processes (``queue.processes_per_job``), and one
process is one thing to stop, kill or supervise (systemd, ``make run``, the load bench). The watchman writes the
worker heartbeat for ``/healthz`` and puts back on the queue the jobs whose worker died
(``service.recover_stale``), including those of a previous worker process of this host killed mid-job.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from survey_app.database import make_engine

from . import service
from .queue import WORKER_BEAT_SECONDS, JobQueue, set_process_workers
from .worker import run_job

log = logging.getLogger(__name__)
_engines: dict[str, Engine] = {}
_database_url: list[str] = []


def use_database(database_url: str) -> None:
    """The database the tasks of this process run against (set once by the worker command)."""
    _database_url[:] = [database_url]


def _engine() -> Engine:
    url = _database_url[0]
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def run_queued_job(job_id: int) -> None:
    state = run_job(_engine(), job_id)
    log.info("job %s: %s", job_id, state or "nothing to run")


def recover_and_requeue(queue: JobQueue) -> list[int]:
    """One pass of crash recovery: jobs whose worker is gone go back on the queue (after the commit)."""
    with sessionmaker(bind=_engine()).begin() as session:
        retry = service.recover_stale(session, service.active_jobs(session))
    for job_id in retry:
        queue.enqueue(job_id)
    return retry


class Watchman(threading.Thread):
    def __init__(self, queue: JobQueue, interval: float = WORKER_BEAT_SECONDS):
        super().__init__(name="job-watchman", daemon=True)
        self.queue, self.interval, self.stopped = queue, interval, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                self.queue.write_worker_beat()
                recover_and_requeue(self.queue)
            except Exception:  # a database or queue hiccup: try again at the next beat
                log.exception("job watchman pass failed")
            self.stopped.wait(self.interval)


class JobWorker:
    """The consumer and its watchman; ``run()`` for the command (signals: Ctrl-C/SIGTERM stop it gracefully),
    ``start()``/``stop()`` for a test that runs one inside its own process."""

    def __init__(self, queue: JobQueue, database_url: str, workers: int, beat_seconds: float = WORKER_BEAT_SECONDS):
        use_database(database_url)
        set_process_workers(workers)
        self.queue = queue
        self.watchman = Watchman(queue, beat_seconds)
        self.consumer = queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=False,
                                                   initial_delay=0.05, max_delay=1.0)

    def run(self) -> None:
        self.watchman.start()
        try:
            self.consumer.run()
        finally:
            self.watchman.stopped.set()

    def start(self) -> None:
        self.watchman.start()
        self.consumer.start()

    def stop(self) -> None:
        self.watchman.stopped.set()
        self.consumer.stop(graceful=True)
        self.watchman.join(timeout=5)
