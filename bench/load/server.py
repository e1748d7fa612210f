"""The app under load and the faults done to it: gunicorn as the live-server tests start it
(``tests.support.live_server.LiveServer``) beside its job worker (``flask jobs worker``, as `make run` starts
them), one gunicorn worker SIGKILLed, or the whole server and the job worker SIGKILLed and both started again on
the same port. Every wait is bounded."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support.live_server import LiveServer, start_job_worker, stop_job_worker

SECRET_KEY = "bench-load"  # from the environment, so sessions survive a restart
RESPAWN_TIMEOUT = 30.0
JOB_WORKER_MARKS = (b"jobs\0worker", b"huey")


def _processes():
    """(pid, parent pid, command line) of every process we can read."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        yield int(entry.name), int(stat.rsplit(")", 1)[1].split()[1]), command


def _environment(pid: int) -> bytes:
    try:
        return (Path("/proc") / str(pid) / "environ").read_bytes()
    except OSError:
        return b""


class Target:
    """gunicorn on one port of 127.0.0.1 against ``database_url``; ``downtime`` lists (from, to) monotonic times
    when it did not listen because we killed it."""

    def __init__(self, database_url: str, workdir: Path, workers: int = 2, threads: int = 4):
        self.database_url = database_url
        self.workdir = Path(workdir)
        # the queue in the work folder, never a Redis of the environment shared with other runs
        queue_env = {"JOB_QUEUE_FILE": str(self.workdir / "job-queue.sqlite3"), "REDIS_URL": ""}
        self.server = LiveServer(database_url, self.workdir / "gunicorn-0.log", workers=workers, threads=threads,
                                 secret_key=SECRET_KEY, env=queue_env)
        self.job_worker: subprocess.Popen | None = None
        self.starts = 0
        self.downtime: list[tuple[float, float]] = []
        self.faults: list[tuple[float, float]] = []  # every fault, from the kill until served again
        self.events: list[str] = []
        self.t0 = 0.0  # the load's start (monotonic), set by the driver, for the event times

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> "Target":
        self.server.log_path = self.workdir / f"gunicorn-{self.starts}.log"
        self.server.start()
        self.job_worker = start_job_worker(self.database_url, SECRET_KEY, self.server.env,
                                           self.workdir / f"jobs-{self.starts}.log")
        self.starts += 1
        return self

    def stop(self) -> None:
        """Stop gunicorn and the job worker (SIGTERM: it finishes its job), and any job worker still running."""
        self.server.stop()
        stop_job_worker(self.job_worker)
        for pid in self.job_worker_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def worker_pids(self) -> list[int]:
        master = self.server.process.pid
        return sorted(pid for pid, parent, _ in _processes() if parent == master)

    def job_worker_pids(self) -> list[int]:
        """Job workers serving this database (detached from gunicorn, so found by command line and DATABASE_URL)."""
        mark = b"DATABASE_URL=" + self.database_url.encode() + b"\0"
        return [pid for pid, _, command in _processes()
                if any(m in command for m in JOB_WORKER_MARKS) and mark in _environment(pid)]

    def kill_worker(self, at: float) -> None:
        """SIGKILL one gunicorn worker; the master starts another (waited for)."""
        before = self.worker_pids()
        victim, killed = before[0], time.monotonic()
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + RESPAWN_TIMEOUT
        while time.monotonic() < deadline:
            now = self.worker_pids()
            if victim not in now and len(now) >= len(before):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"gunicorn did not replace worker {victim} within {RESPAWN_TIMEOUT:.0f} s")
        self.faults.append((killed, time.monotonic()))
        self.events.append(f"gunicorn worker {victim} SIGKILLed at {at:.1f} s; replaced "
                           f"{time.monotonic() - at - self.t0:.1f} s later")

    def kill_everything(self, at: float) -> None:
        """SIGKILL the master, its workers and the job worker, then start both again (the server on the same
        port)."""
        down = time.monotonic()
        jobs = self.job_worker_pids()
        for pid in jobs:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.killpg(self.server.process.pid, signal.SIGKILL)
        self.server.process.wait(timeout=RESPAWN_TIMEOUT)
        if self.job_worker is not None:
            self.job_worker.wait(timeout=RESPAWN_TIMEOUT)  # SIGKILLed above: reap it
        self.server.stop()  # reaped already: closes the log
        self.start()
        up = time.monotonic()
        self.downtime.append((down, up))
        self.faults.append((down, up))
        self.events.append(f"server (master, workers) and {len(jobs)} job worker process(es) SIGKILLed at {at:.1f} s; "
                           f"answering again {up - down:.1f} s later")

    def in_downtime(self, started: float, grace: float = 2.0) -> bool:
        return any(down <= started <= up + grace for down, up in self.downtime)

    def during_fault(self, ended: float, grace: float = 2.0) -> bool:
        return any(down <= ended <= up + grace for down, up in self.faults)
