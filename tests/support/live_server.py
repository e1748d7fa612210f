"""A real gunicorn server on 127.0.0.1 for tests that need true concurrency, and raw HTTP helpers for it.

The Flask test client runs one request at a time in the test's own process, so it cannot show races between
requests (two saves of one UUID, a review landing during a save, SQLite's "database is locked"). These helpers
start ``gunicorn --workers 2 --threads 4 wsgi:app`` from the repository root against a database the test
built, and talk to it with ``http.client`` — one connection per request, so parallel threads really are parallel
clients. Every wait is bounded.

The databases such a server runs on are made by ``tests/support/live_database.py``.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for gunicorn to answer its first request
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
REQUEST_TIMEOUT = 30.0  # seconds for one HTTP request (above SQLite's busy_timeout of 10 s)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_executable() -> str:
    """gunicorn next to the running interpreter (the project's virtualenv), else on PATH."""
    candidate = Path(sys.executable).with_name("gunicorn")
    return str(candidate) if candidate.exists() else "gunicorn"


@dataclass
class LiveServer:
    database_url: str
    log_path: Path
    workers: int = 2
    threads: int = 4
    secret_key: str = "live-test-secret"
    port: int = 0
    env: dict[str, str] = field(default_factory=dict)  # more environment, e.g. STORAGE_DIR shared by two servers
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> "LiveServer":
        self.port = self.port or free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key, **self.env}
        env.pop("SQL_ECHO", None)
        command = [gunicorn_executable(), "--workers", str(self.workers), "--threads", str(self.threads),
                   "--bind", f"{HOST}:{self.port}", "--timeout", "60", "--graceful-timeout", "5",
                   "--access-logfile", "-", "--error-logfile", "-", "wsgi:app"]
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} before answering:\n"
                                   f"{self.log_tail()}")
            try:
                if request(self, "GET", "/login", timeout=2).status == 200:
                    return
            except OSError as err:
                last_error = err
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT:.0f} s ({last_error}):\n"
                           f"{self.log_tail()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)  # the master and its workers: the group we started
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=STOP_TIMEOUT)
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()

    def log_size(self) -> int:
        """The log's current length: pass it to ``error_summary(since=...)`` to look at one burst only."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def log_text(self, since: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as log:
                log.seek(since)
                return log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    def error_summary(self, since: int = 0, limit: int = 8) -> str:
        """The exception lines of the tracebacks in the server log after byte ``since``, counted, for failures."""
        found: Counter[str] = Counter()
        lines = self.log_text(since).splitlines()
        for index, line in enumerate(lines):
            if not line.startswith("Traceback"):
                continue
            # the exception line is the first following line that is not indented
            for follow in lines[index + 1:]:
                if follow and not follow.startswith((" ", "\t", "Traceback")):
                    found[follow[:180]] += 1
                    break
        if not found:
            return "(no traceback in the server log)"
        return "\n".join(f"{n}× {message}" for message, n in found.most_common(limit))


# -- raw HTTP ----------------------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    set_cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return json.loads(self.body)


class Connection:
    """One TCP connection for one request: ``connect()`` first, then ``send()`` (so that a barrier between the
    two makes many requests start together)."""

    def __init__(self, server: LiveServer, timeout: float = REQUEST_TIMEOUT):
        self.conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)

    def connect(self) -> "Connection":
        self.conn.connect()
        return self

    def send(self, method: str, path: str, *, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Response:
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            raw = self.conn.getresponse()
            data = raw.read()
            return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data,
                            raw.headers.get_all("Set-Cookie") or [])
        finally:
            self.conn.close()


def request(server: LiveServer, method: str, path: str, *, json_body=None, form: list | dict | None = None,
            headers: dict[str, str] | None = None, timeout: float = REQUEST_TIMEOUT) -> Response:
    body, all_headers = encode_body(json_body=json_body, form=form)
    all_headers.update(headers or {})
    return Connection(server, timeout).connect().send(method, path, body=body, headers=all_headers)


def encode_body(*, json_body=None, form: list | dict | None = None) -> tuple[bytes | None, dict[str, str]]:
    if json_body is not None:
        return json.dumps(json_body).encode("utf-8"), {"Content-Type": "application/json"}
    if form is not None:
        return urlencode(form, doseq=True).encode("utf-8"), {"Content-Type": "application/x-www-form-urlencoded"}
    return None, {}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_in(html: str) -> str:
    match = _CSRF_META.search(html) or _CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return next(g for g in match.groups() if g)


@dataclass
class BrowserSession:
    """A logged-in browser: its cookies and the CSRF token of its session."""
    cookies: dict[str, str]
    csrf_token: str

    @property
    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def headers(self, *, csrf: bool = False) -> dict[str, str]:
        return {**self.cookie_header, **({"X-CSRFToken": self.csrf_token} if csrf else {})}


def _keep_cookies(cookies: dict[str, str], response: Response) -> None:
    for header in response.set_cookies:
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            cookies[name] = morsel.value


def log_in(server: LiveServer, username: str, password: str) -> BrowserSession:
    """Log in through the login form (GET for the CSRF token, POST), then read the session's CSRF token."""
    cookies: dict[str, str] = {}
    page = request(server, "GET", "/login")
    assert page.status == 200, page.status
    _keep_cookies(cookies, page)
    session = BrowserSession(cookies, csrf_in(page.text))
    answer = request(server, "POST", "/login", form={"username": username, "password": password,
                                                     "csrf_token": session.csrf_token},
                     headers=session.cookie_header)
    assert answer.status == 302, f"login of {username} answered {answer.status}: {answer.text[:300]}"
    _keep_cookies(cookies, answer)
    account = request(server, "GET", "/account", headers=session.cookie_header)
    assert account.status == 200, f"/account after login answered {account.status}"
    _keep_cookies(cookies, account)
    session.csrf_token = csrf_in(account.text)
    return session


# -- many requests at once -----------------------------------------------------------------------------------------

@dataclass
class Call:
    """One request to send in a burst; ``tag`` says what it was for (kept in its Outcome)."""
    method: str
    path: str
    json_body: object = None
    form: list | dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    tag: object = None

    def __repr__(self) -> str:
        return f"Call({self.method} {self.path} {self.tag!r})"


@dataclass
class Outcome:
    call: Call
    status: int | None  # None: no HTTP answer (connection error, timeout)
    body: bytes = b""
    error: str = ""
    started: float = 0.0
    seconds: float = 0.0

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self) -> str:
        return f"Outcome({self.label}, {self.call!r})"

    @property
    def label(self) -> str:
        return str(self.status) if self.status is not None else f"no answer ({self.error})"


BARRIER_TIMEOUT = 15.0


def run_together(server: LiveServer, calls: list[Call], *, timeout: float = REQUEST_TIMEOUT) -> list[Outcome]:
    """Send every call from its own thread and its own connection, all released at once by a Barrier; the
    outcomes come back in the order of ``calls``."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier, BrokenBarrierError

    barrier = Barrier(len(calls), timeout=BARRIER_TIMEOUT)

    def one(call: Call) -> Outcome:
        body, headers = encode_body(json_body=call.json_body, form=call.form)
        headers.update(call.headers)
        try:
            conn = Connection(server, timeout).connect()
        except OSError as err:
            barrier.abort()
            return Outcome(call, None, error=f"connect: {err!r}")
        try:
            barrier.wait()
        except BrokenBarrierError:
            conn.conn.close()
            return Outcome(call, None, error="barrier broken")
        started = time.monotonic()
        try:
            response = conn.send(call.method, call.path, body=body, headers=headers)
        except (OSError, http.client.HTTPException) as err:
            return Outcome(call, None, error=repr(err), started=started, seconds=time.monotonic() - started)
        return Outcome(call, response.status, response.body, started=started, seconds=time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(one, call) for call in calls]
        return [future.result(timeout=BARRIER_TIMEOUT + timeout + 10) for future in futures]


def start_job_worker(database_url: str, secret_key: str, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """``flask jobs worker`` beside a live server (same database and queue environment), its own session group."""
    full_env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret_key, **env}
    full_env.pop("SQL_ECHO", None)
    with open(log_path, "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], cwd=REPO_ROOT,
                                env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_job_worker(process: subprocess.Popen | None) -> None:
    """SIGTERM (it finishes the job it runs), SIGKILL if it does not end within STOP_TIMEOUT."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)
