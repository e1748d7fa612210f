"""Helpers for the review tests (a round on the small test form, submissions sent through the real submission
service). Imported, not collected for tests: it holds none."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from survey_app.models import Submission
from survey_app.submissions import SubmissionPayload, save_submission
from tests.support.surveys import make_round, new_uuid, store_small_form

ROUND = "R2024"


def small_round(session, code: str = ROUND, areas=("P",), series: str = "ra_soat"):
    qv = store_small_form(session)
    return make_round(session, qv, code, areas, series=series)


def send(session, user, household, answers: dict | None = None, *, round_code: str = ROUND, uuid: str | None = None,
         minutes: float | None = 30, submit: bool = True) -> Submission:
    """Save (and by default submit) a submission as ``user`` through save_submission; returns it."""
    finished = datetime(2024, 5, 10, 9, 0, tzinfo=timezone.utc)
    started = finished - timedelta(minutes=minutes) if minutes is not None else None
    payload = SubmissionPayload(uuid=uuid or new_uuid(), household_code=household.code, round_code=round_code,
                                form_version=None, answers=answers or {"so_nguoi": 4, "co_vay": "khong"},
                                started_at=started, finished_at=finished if minutes is not None else None,
                                submit=submit, source="api")
    outcome = save_submission(session, user, payload, today="2024-06-01")
    return outcome.submission
