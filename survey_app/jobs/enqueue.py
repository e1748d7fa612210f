"""The web side of the queue: the app's JobQueue, built on first use from the config (no connection at
start-up), and enqueueing once the request has committed, so a worker never looks for a row not yet visible."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import Flask, current_app

from ..web import after_commit
from .queue import JobQueue, make_queue

log = logging.getLogger(__name__)
QUEUE_KEYS = ("REDIS_URL", "JOB_QUEUE_FILE", "JOB_QUEUE_NAME")


def job_queue(app: Flask | None = None) -> JobQueue:
    app = app or current_app
    key = tuple(app.config.get(name) for name in QUEUE_KEYS)
    cached = app.extensions.get("job_queue")
    if cached is None or cached[0] != key:
        cached = app.extensions["job_queue"] = (key, make_queue(app.config))
    return cached[1]


def enqueue_after_commit(job_ids: Iterable[int]) -> None:
    """Queue the jobs after the commit. If the queue does not answer then, the rows stay queued and the worker's
    recovery (service.recover_stale) puts them on the queue later: the request still succeeds."""
    ids, queue = list(job_ids), job_queue()

    def send() -> None:
        for job_id in ids:
            try:
                queue.enqueue(job_id)
            except Exception:
                log.exception("job %s could not be queued; recovery will queue it", job_id)

    if ids:
        after_commit(send)
