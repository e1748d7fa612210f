"""gunicorn.conf.py: settings from the environment, and an access log without query strings (names searched for
would land in the log)."""
from __future__ import annotations

import runpy

from tests.support.live_server import REPO_ROOT, LiveServer, request


def _settings(monkeypatch, **env) -> dict:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(REPO_ROOT / "gunicorn.conf.py"))


def test_settings_follow_the_environment(monkeypatch):
    defaults = _settings(monkeypatch)
    assert (defaults["workers"], defaults["threads"], defaults["timeout"]) == (2, 4, 120)
    tuned = _settings(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_TIMEOUT="300", BIND="0.0.0.0:9000")
    assert (tuned["workers"], tuned["timeout"], tuned["bind"]) == (5, 300, "0.0.0.0:9000")
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "%(u)s"):  # request line, query, referrer, agent, user
        assert atom not in defaults["access_log_format"]


def test_access_log_has_the_path_but_not_the_query(tmp_path):
    server = LiveServer(f"sqlite:///{tmp_path / 'log.sqlite3'}", tmp_path / "gunicorn.log", workers=1, threads=1)
    server.start()  # from the repository root: gunicorn.conf.py applies (its log format)
    try:
        assert request(server, "GET", "/login?next=/households/%3Fq%3DNguyen-Van-Bi-Mat").status == 200
    finally:
        server.stop()
    log = server.log_text()
    assert '"GET /login" 200' in log
    assert "Bi-Mat" not in log and "Nguyen" not in log
