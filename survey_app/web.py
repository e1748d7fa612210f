"""Request plumbing shared by every blueprint: the transaction boundary and conflict retries.
Refusals reach HTTP through ``survey_app.problems``; template filters are in ``survey_app.templating``."""
from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from flask import Flask, g, request

from .database import is_transient, reset_write_intent, set_write_intent

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ATTEMPTS = 5  # runs of a view whose transaction hit a lock or a concurrent conflict
log = logging.getLogger(__name__)


def register_transaction_boundary(app: Flask, db) -> None:
    """One commit per request: commit a successful response, roll back anything else.

    Views never commit; they change the session and return. A response with an
    error status (including 422 validation failures) leaves nothing half-saved.
    A writing request starts its SQLite transaction with BEGIN IMMEDIATE (database.py), so two writers queue
    for the lock instead of deadlocking. Work that must not hold the request's transaction (e.g. noting when an
    API token was last used) is queued with ``after_transaction`` and runs once it has ended.
    """

    @app.before_request
    def _declare_write_intent():
        g.write_intent = request.method in WRITE_METHODS and not _reads_first(app)
        g.write_intent_token = set_write_intent(g.write_intent)

    @app.after_request
    def _commit_or_rollback(response):
        if response.status_code < 400:
            db.session.commit()
            _run_callbacks(g.pop("after_commit", []))
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_error(exc):
        if exc is not None:
            db.session.rollback()
        token = g.pop("write_intent_token", None)
        if token is not None:
            reset_write_intent(token)
        g.pop("after_commit", None)  # rolled back: what was to follow the commit does not happen
        _run_callbacks(g.pop("after_transaction", []))


def _run_callbacks(callbacks: list[Callable[[], None]]) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # bookkeeping after the transaction must never fail the request
            log.exception("after-transaction callback failed")


def reads_first(view):
    """Mark a writing view that reads and checks before it writes and calls ``database.begin_writing`` in
    between (the submission save): its transaction starts as a reader, so the checks don't hold SQLite's lock."""
    view.reads_first = True
    return view


def _reads_first(app: Flask) -> bool:
    view = app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "reads_first", False))


def after_transaction(callback: Callable[[], None]) -> None:
    """Run ``callback`` after this request's transaction has been committed or rolled back."""
    g.setdefault("after_transaction", []).append(callback)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once this request's transaction has committed (never if it is rolled back), e.g. to put
    on the job queue the id of a job row that must be visible to the worker."""
    g.setdefault("after_commit", []).append(callback)


def register_conflict_retries(app: Flask, db) -> None:
    """Run a view again, from a fresh transaction, when its transaction hit a lock or a concurrent conflict
    (``database.is_transient``): a unique key inserted by another request at the same moment, a deadlock, SQLite's
    busy lock. The device is answered as if it had been alone; only a conflict that outlasts ``ATTEMPTS`` runs
    reaches the error handler. Wraps every view function once, after the blueprints are registered."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = _retrying(view, db)


def _retrying(view, db):
    @functools.wraps(view)
    def run(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                result = view(*args, **kwargs)
                db.session.flush()
                return result
            except Exception as err:
                if attempt == ATTEMPTS or not is_transient(err):
                    raise
                db.session.rollback()
                g.pop("after_commit", None)  # that run's rows are gone; the next run queues its own
                set_write_intent(g.get("write_intent", False))
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")

    return run
