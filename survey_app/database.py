"""The database extension: one engine per app, one scoped session per request.

We use plain SQLAlchemy 2.0 (not Flask-SQLAlchemy) so that the models and the
domain queries import nothing from Flask and the CLI, benches and tests share them.
"""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker


def _sqlite_pragmas(dbapi_connection, _record):
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
    return engine


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
