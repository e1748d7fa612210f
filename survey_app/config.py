"""Configuration read from the environment, with safe defaults.

`DATABASE_URL` selects the database (default: SQLite in `instance/`); the usual
`postgresql://user@host/db` form is rewritten to use the psycopg 3 driver.
`SECRET_KEY`, if unset, is generated once into `instance/secret_key` and reused: the embedded default of one
machine. Several app servers behind one address must share it, so `SURVEY_ENV=production` refuses to start
without `SECRET_KEY` and `DATABASE_URL` in the environment (docs/deployment.md). `STORAGE_DIR` (default
`instance/storage`) holds the files a request may need from any server (job outputs): a shared volume there.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def normalise_database_url(url: str) -> str:
    """Map the common `postgres://` and `postgresql://` forms onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path) -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


class ConfigurationError(RuntimeError):
    """The environment cannot run this server (said at start-up, before any request)."""


PRODUCTION_REQUIRES = ("SECRET_KEY", "DATABASE_URL")


def is_production() -> bool:
    return os.environ.get("SURVEY_ENV", "").strip().lower() == "production"


def check_production_environment() -> None:
    """In production every server must read the same key and the same database: both from the environment."""
    if not is_production():
        return
    missing = [name for name in PRODUCTION_REQUIRES if not os.environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(
            "SURVEY_ENV=production: thiếu biến môi trường " + ", ".join(missing)
            + " (mọi máy chủ phải dùng chung khoá bí mật và cơ sở dữ liệu; xem docs/deployment.md).")


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def job_workers(environ) -> int:
    """``JOB_WORKERS``: jobs run at the same time (default 2, for the 2 cores of a commune server), at least 1."""
    try:
        return max(1, int(environ.get("JOB_WORKERS", "2")))
    except ValueError:
        return 2


def from_environment(instance_path: Path) -> dict:
    """Build the Flask config mapping from environment variables."""
    check_production_environment()
    instance_path.mkdir(parents=True, exist_ok=True)
    default_db = f"sqlite:///{instance_path / 'survey.sqlite3'}"
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": normalise_database_url(os.environ.get("DATABASE_URL", default_db)),
        "SQL_ECHO": _flag("SQL_ECHO"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _flag("SESSION_COOKIE_SECURE"),
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session: forms stay open for hours in the field
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "32")) * 1024 * 1024,
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", "15")),
        "LOGIN_MAX_FAILURES_PER_ADDRESS": int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20")),
        "LOGIN_DELAY_SECONDS": int(os.environ.get("LOGIN_DELAY_SECONDS", "30")),
        "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "90")),
        "PAGE_SIZE": 50,
        "SURVEY_ENV": "production" if is_production() else "development",
        "STORAGE_DIR": os.environ.get("STORAGE_DIR") or str(instance_path / "storage"),
        "FORMS_DIR": os.environ.get("FORMS_DIR", str(Path(__file__).resolve().parent.parent / "forms")),
        # the job queue (jobs/queue.py): Redis when REDIS_URL is set, else a SQLite file of this machine
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "JOB_QUEUE_FILE": os.environ.get("JOB_QUEUE_FILE") or str(instance_path / "job-queue.sqlite3"),
        "JOB_QUEUE_NAME": os.environ.get("JOB_QUEUE_NAME") or "survey-jobs",
        "JOB_WORKERS": job_workers(os.environ),
        # reverse proxies in front of the server whose X-Forwarded-For is believed (0: none, the default)
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    }
