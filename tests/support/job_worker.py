"""A job worker inside the test process (the consumer's threads and its watchman), for tests that need jobs to
run: the same JobWorker that `flask jobs worker` runs, started and stopped around a block."""
from __future__ import annotations

import signal
from contextlib import contextmanager

from survey_app.jobs.consumer import JobWorker
from survey_app.jobs.enqueue import job_queue


@contextmanager
def running_worker(app, workers: int = 2, beat_seconds: float = 0.2):
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    worker = JobWorker(job_queue(app), app.config["DATABASE_URL"], workers, beat_seconds=beat_seconds)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        for sig, handler in handlers.items():  # the consumer set its own; give pytest its handlers back
            signal.signal(sig, handler)
