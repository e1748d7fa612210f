"""The database extension: one engine per app, one scoped session per request.

We use plain SQLAlchemy 2.0 (not Flask-SQLAlchemy) so that the models and the
domain queries import nothing from Flask and the CLI, benches and tests share them.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import scoped_session, sessionmaker

# Whether the current unit of work will write. On SQLite a writing transaction starts with BEGIN IMMEDIATE: it
# takes the write lock first (waiting up to busy_timeout for it) instead of reading under a snapshot and failing
# with "database is locked" when it tries to write after another writer committed. Set per request by
# web.register_transaction_boundary (POST/PUT/PATCH/DELETE) and by `writing()`.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


def set_write_intent(value: bool):
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


# SQLSTATEs of PostgreSQL worth one more try of the whole transaction: serialization failure, deadlock, and a
# unique violation raised by a concurrent insert of the same key (the retry then sees the other row).
_RETRY_SQLSTATES = {"40001", "40P01", "23505"}


def is_transient(err: BaseException) -> bool:
    """A lock or a concurrent conflict: the transaction may succeed when run again from the start."""
    if not isinstance(err, DBAPIError):
        return False
    original = err.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in _RETRY_SQLSTATES:
        return True
    text = str(original).lower()
    return "database is locked" in text or "database table is locked" in text or "unique constraint failed" in text


def _sqlite_pragmas(dbapi_connection, _record):
    dbapi_connection.isolation_level = None  # pysqlite's own BEGIN handling off: _sqlite_begin emits it
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, echo: bool = False) -> Engine:
    kwargs: dict = {"echo": echo, "future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection) -> None:
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # e.g. PRAGMA foreign_keys, which is a no-op inside a transaction
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


class Database:
    """Created unbound at import; `init_app` attaches an engine built from the app's config."""

    def __init__(self) -> None:
        self.session = scoped_session(sessionmaker(expire_on_commit=False))
        self.engine: Engine | None = None

    def init_app(self, app) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config.get("SQL_ECHO", False))
        app.extensions["database_engine"] = engine
        self.use(app)

        @app.teardown_appcontext
        def _remove_session(exc):  # noqa: ARG001 - Flask passes the exception
            self.session.remove()

    def use(self, app) -> None:
        """Bind the session to `app`'s engine (one app per process in production; tests switch)."""
        self.session.remove()
        self.engine = app.extensions["database_engine"]
        self.session.configure(bind=self.engine)
