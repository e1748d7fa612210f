"""The last bulk approval of the supervisor's session, kept so the queue can offer "Hoàn tác" for
``UNDO_MINUTES``. The session only says what to offer; ``decisions.undo_bulk_approval`` checks again who
approved, when, and that nothing was decided since."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import session

from ..core.clock import as_utc, iso, utc_now
from ..core.review_states import UNDO_MINUTES

KEY = "bulk_undo"


def remember(submissions) -> None:
    session[KEY] = {"uuids": [s.uuid for s in submissions], "at": iso(utc_now())}


def pending() -> dict | None:
    """{"uuids", "count", "until"} of the batch still undoable, or None (an expired one is dropped)."""
    batch = session.get(KEY)
    if not isinstance(batch, dict) or not isinstance(batch.get("uuids"), list):
        return None
    try:
        until = as_utc(datetime.fromisoformat(batch["at"])) + timedelta(minutes=UNDO_MINUTES)
    except (KeyError, TypeError, ValueError):
        until = None
    if until is None or until <= utc_now():
        session.pop(KEY, None)
        return None
    return {"uuids": batch["uuids"], "count": len(batch["uuids"]), "until": until}


def forget() -> list[str] | None:
    """The undoable batch's uuids, removed from the session (an undo is offered once)."""
    batch = pending()
    session.pop(KEY, None)
    return batch["uuids"] if batch else None
