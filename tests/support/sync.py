"""Helpers for the offline-sync API tests: Bearer headers, a submission body on the small test form, a returned
submission. Imported, not collected for tests: it holds none."""
from __future__ import annotations

from survey_app.auth.service import issue_token
from survey_app.submissions import decide
from tests.support.review import ROUND, send
from tests.support.surveys import new_uuid

SUBMISSIONS = "/api/v1/submissions"
PACKAGE = "/api/v1/device/package"
ANSWERS = {"so_nguoi": 4, "co_vay": "khong"}


def bearer(session, user) -> dict:
    token = issue_token(session, user, "test")
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def body(household: str | None = "HV1-001", *, uuid: str | None = None, answers: dict | None = None,
         submit: bool = True, round_code: str = ROUND, **extra) -> dict:
    data = {"uuid": uuid or new_uuid(), "round": round_code, "form_version": "1",
            "answers": dict(ANSWERS if answers is None else answers), "submit": submit, **extra}
    if household is not None:
        data["household"] = household
    return data


def returned_submission(session, world, comment: str = "Số người chưa khớp sổ hộ khẩu."):
    """A submission of HV1-001 by the enumerator, returned by the supervisor with ``comment`` (version 1)."""
    submission = send(session, world.users["dieutra"], world.households["in"])
    decide(session, world.users["giamsat"], submission, "has_issues", comment)
    session.commit()
    return submission
