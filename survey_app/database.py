"""The database extension: one engine per app, one scoped session per request.

We use plain SQLAlchemy 2.0 (not Flask-SQLAlchemy) so that the models and the
domain queries import nothing from Flask and the CLI, benches and tests share them.
"""
from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import threading
from contextvars import ContextVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import scoped_session, sessionmaker

# Whether the current unit of work will write. On SQLite a writing transaction starts with BEGIN IMMEDIATE: it
# takes the write lock first (waiting up to busy_timeout for it) instead of reading under a snapshot and failing
# with "database is locked" when it tries to write after another writer committed. Set per request by
# web.register_transaction_boundary (POST/PUT/PATCH/DELETE); `begin_writing` upgrades a reading one.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)
# Set by begin_writing for the rest of the current transaction only (cleared when it commits or rolls back).
_upgraded: ContextVar[bool] = ContextVar("write_upgraded", default=False)


def set_write_intent(value: bool):
    return _write_intent.set(value)


def reset_write_intent(token) -> None:
    _write_intent.reset(token)


def begin_writing(session) -> bool:
    """Move a unit of work that started reading into writing. On SQLite the read-only transaction ends here
    (nothing is pending; loaded objects stay loaded) and the next statement takes the write lock with BEGIN
    IMMEDIATE, so the work done before (validating a questionnaire, say) never holds the lock. Returns True
    when a new transaction starts: what was read before must be read again under the lock. On PostgreSQL it
    does nothing (row locks and MVCC need no such step) and returns False."""
    if _write_intent.get() or _upgraded.get() or session.get_bind().dialect.name != "sqlite":
        return False
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_writing: the read part of the unit of work must not have pending changes")
    session.commit()
    _upgraded.set(True)
    return True


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
    cursor.execute("PRAGMA synchronous=FULL")  # WAL + FULL: a commit acknowledged to a client survives a power loss
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
        writer = WriterLock(engine.url.database)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", functools.partial(_sqlite_begin, writer))
        for name in ("commit", "rollback"):
            event.listen(engine, name, _release_writer)
        event.listen(engine, "checkin", lambda dbapi_connection, record: _release(record.info))
    return engine


class WriterLock:
    """Who may write the SQLite file next, across the threads of a process and the processes of a server.

    SQLite's own busy handler waits for the write lock by sleeping in steps of up to 100 ms, so under load the lock
    sits idle between writers and latency soars. Writers therefore queue first on this lock (a thread lock, then
    an ``flock`` on ``<database>-writer.lock``), where a waiter wakes the moment the holder commits. The lock
    file lives beside the database; an in-memory database needs only the thread lock."""

    def __init__(self, database: str | None):
        self._thread = threading.Lock()
        self._path = None if not database or database == ":memory:" else f"{database}-writer.lock"
        self._fd: int | None = None
        self._pid = 0

    def acquire(self, timeout: float = 30.0) -> None:
        """Wait for the other threads of this process at most ``timeout`` seconds, then fail as SQLite does
        ("database is locked"), which the request retry treats as transient."""
        if not self._thread.acquire(timeout=timeout):
            raise _locked()
        if self._path is None:
            return
        try:
            if self._fd is None or self._pid != os.getpid():  # opened anew after a fork
                self._fd, self._pid = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                # Another process writes: wait in the kernel, which wakes us the moment it commits. A hung holder
                # is ended by gunicorn's worker timeout, which frees the lock with its process.
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._thread.release()
            raise

    def release(self) -> None:
        try:
            if self._path is not None and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._thread.release()


def _locked() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def _sqlite_begin(writer: WriterLock, connection) -> None:
    """BEGIN IMMEDIATE for a writing unit of work (after queueing on ``writer``), BEGIN otherwise."""
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return  # e.g. PRAGMA foreign_keys, which is a no-op inside a transaction
    if not (_write_intent.get() or _upgraded.get()):
        connection.exec_driver_sql("BEGIN")
        return
    info = connection.connection.info  # the pooled connection's: it outlives this Connection object
    if info.get("writer") is None:
        writer.acquire()
        info["writer"] = writer
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _release(info)
        raise


def _release_writer(connection) -> None:
    _upgraded.set(False)
    _release(connection.connection.info)


def _release(info) -> None:
    writer = info.pop("writer", None)
    if writer is not None:
        writer.release()


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
        def _remove_session(exc):  # Flask passes the exception
            self.session.remove()

    def use(self, app) -> None:
        """Bind the session to `app`'s engine (one app per process in production; tests switch)."""
        self.session.remove()
        self.engine = app.extensions["database_engine"]
        self.session.configure(bind=self.engine)
