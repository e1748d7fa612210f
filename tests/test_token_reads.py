"""Reading with an API token does not write on every request: `last_used_at` is noted at most once a minute, in
a short transaction of its own after the request's (so concurrent token reads never queue behind a write)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, select

from survey_app.auth import service
from survey_app.auth.service import issue_token
from survey_app.extensions import db
from survey_app.models import ApiToken


def _writes(engine, calls):
    seen = []

    def listen(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        calls()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


def test_token_use_is_noted_once_a_minute(app, session, world, client):
    token = issue_token(session, world.users["dieutra"], "test")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    first = _writes(db.engine, lambda: client.get("/api/v1/me", headers=headers))
    assert [s for s in first if "api_token" in s]  # the first use is noted
    again = _writes(db.engine, lambda: [client.get("/api/v1/me", headers=headers) for _ in range(5)])
    assert again == []  # within the minute: the reads write nothing
    row = db.session.scalar(select(ApiToken))
    row.last_used_at = datetime.now(timezone.utc) - timedelta(seconds=service.TOKEN_TOUCH_SECONDS + 1)
    db.session.commit()
    later = _writes(db.engine, lambda: client.get("/api/v1/me", headers=headers))
    assert [s for s in later if "api_token" in s]
