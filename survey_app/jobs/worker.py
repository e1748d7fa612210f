"""Running one job, as the queue's worker does for each id it takes (jobs/consumer.py).

Flask-free: on the engine it is given, it claims the job (queued -> running, so an id delivered twice still
runs once), runs the kind's handler, and records the end: done with the output file, or failed with a
Vietnamese message (the traceback goes to the worker's log, not to the user).
"""
from __future__ import annotations

import os
import socket
import time
import traceback

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from survey_app.core.clock import utc_now as _now
from survey_app.models import Job

from .kinds import JobFailure, handler_for

WAIT_FOR_ROW_SECONDS = 5.0  # enqueued after the commit: only SQLite's write lock can delay the claim
GENERIC_FAILURE = "Lỗi khi thực hiện: {error}. Hãy thử lại; nếu vẫn lỗi, báo quản trị hệ thống (mã công việc {id})."


class Progress:
    """Commits done/total and the heartbeat in a short transaction of its own."""

    def __init__(self, engine: Engine, job_id: int):
        self.sessions = sessionmaker(bind=engine)
        self.job_id = job_id
        self.done = 0
        self.total = 0

    def _write(self, **values) -> None:
        with self.sessions.begin() as session:
            session.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=_now(), **values))

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self._write(total=total, done=0)

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        self._write(done=self.done)

    def beat(self) -> None:
        self._write()


def claim(engine: Engine, job_id: int, wait: float = WAIT_FOR_ROW_SECONDS) -> bool:
    """queued -> running for this process. Waits for the creating request to commit; False if the row never
    appears (the request was rolled back) or another worker has it."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with sessionmaker(bind=engine).begin() as session:
                claimed = session.execute(
                    update(Job).where(Job.id == job_id, Job.state == "queued")
                    .values(state="running", started_at=_now(), heartbeat_at=_now(), worker_pid=os.getpid(),
                            worker_host=socket.gethostname())).rowcount
                if claimed:
                    return True
                if session.get(Job, job_id) is not None:
                    return False  # exists but not queued: someone else runs or ran it
        except OperationalError:  # SQLite: the creating request still holds the write lock
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)


def run_job(engine: Engine, job_id: int, *, wait: float = WAIT_FOR_ROW_SECONDS) -> str | None:
    """Run one job to its end. Returns the final state, or None when there was nothing to run."""
    if not claim(engine, job_id, wait):
        return None
    progress = Progress(engine, job_id)
    session = Session(bind=engine)
    try:
        job = session.get(Job, job_id)
        handler = handler_for(job.kind)
        output_path, output_name = handler(session, job, progress)
        session.rollback()  # the handler only reads; end its transaction before the final write
        values = {"state": "done", "output_path": str(output_path), "output_name": output_name,
                  "done": progress.total, "finished_at": _now(), "message": ""}
    except JobFailure as failure:
        session.rollback()
        values = {"state": "failed", "message": str(failure), "finished_at": _now()}
    except Exception as error:  # any crash must end as a failed job, not a silent running one
        session.rollback()
        traceback.print_exc()
        values = {"state": "failed", "finished_at": _now(),
                  "message": GENERIC_FAILURE.format(error=type(error).__name__, id=job_id)}
    finally:
        session.close()
    with sessionmaker(bind=engine).begin() as final:
        final.execute(update(Job).where(Job.id == job_id).values(heartbeat_at=_now(), **values))
    return values["state"]
