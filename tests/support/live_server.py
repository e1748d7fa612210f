"""A real server for the concurrency tests: gunicorn with the settings of `make run` (2 workers, 4 threads) on
the test database, on a free port of 127.0.0.1, and small HTTP clients (Bearer token or a logged-in session)."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, database_url: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--timeout", "60",
             "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read().decode()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/login", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


class Client:
    """JSON over HTTP with a Bearer token, or with a session cookie and the CSRF header."""

    def __init__(self, base: str, *, token: str | None = None):
        self.base, self.token, self.csrf = base, token, None
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    @classmethod
    def logged_in(cls, base: str, username: str, password: str = "matkhau123") -> Client:
        client = cls(base)
        page = client.opener.open(f"{base}/login", timeout=30).read().decode()
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]
        data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
        client.opener.open(urllib.request.Request(f"{base}/login", data=data), timeout=30).read()
        account = client.opener.open(f"{base}/account", timeout=30).read().decode()
        client.csrf = re.search(r'<meta name="csrf-token" content="([^"]+)"', account)[1]
        return client

    def request(self, method: str, path: str, body=None) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.csrf:
            headers["X-CSRFToken"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base}{path}", data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                return err.code, json.loads(raw)
            except ValueError:
                return err.code, {"raw": raw.decode(errors="replace")[:500]}
