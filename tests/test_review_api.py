"""POST /api/v1/submissions/<uuid>/review and GET /api/v1/submissions: same rules and area limits as the pages."""
import pytest
from sqlalchemy import select

from survey_app.auth.service import issue_token
from survey_app.models import AuditEntry, Submission, SubmissionComment
from survey_app.submissions import decide
from tests.support.review import send, small_round


@pytest.fixture
def sent(world, session):
    small_round(session)
    own = send(session, world.users["dieutra"], world.households["in"])
    other = send(session, world.users["giamsat2"], world.households["out"])
    tokens = {name: issue_token(session, world.users[name], "test") for name in ("giamsat", "giamsat2", "dieutra",
                                                                                "admin", "lanhdao")}
    session.commit()
    return own.uuid, other.uuid, tokens


def _auth(tokens, name):
    return {"Authorization": f"Bearer {tokens[name]}"}


def test_return_then_approve_by_api(client, session, sent):
    own, _, tokens = sent
    url = f"/api/v1/submissions/{own}/review"
    missing = client.post(url, json={"state": "has_issues"}, headers=_auth(tokens, "giamsat"))
    assert missing.status_code == 422 and "nhận xét" in missing.get_json()["message"]
    done = client.post(url, json={"state": "has_issues", "comment": "Thiếu thông tin vay"},
                       headers=_auth(tokens, "giamsat"))
    assert done.status_code == 200
    body = done.get_json()
    assert body["state"] == "has_issues" and body["comment"]["body"] == "Thiếu thông tin vay"
    assert body["comment"]["from_state"] == "submitted" and body["comment"]["author"] == "giamsat"
    illegal = client.post(url, json={"state": "approved"}, headers=_auth(tokens, "giamsat"))
    assert illegal.status_code == 409 and "trả lại cho điều tra viên" in illegal.get_json()["message"]
    session.expire_all()
    [audit] = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.review")).all()
    assert audit.actor == "giamsat" and audit.before == {"state": "submitted"}
    assert audit.after["state"] == "has_issues" and audit.after["comment"] == "Thiếu thông tin vay"


def test_area_and_role_limits_by_api(client, session, sent):
    own, other, tokens = sent
    response = client.post(f"/api/v1/submissions/{other}/review", json={"state": "approved"},
                           headers=_auth(tokens, "giamsat"))
    assert response.status_code == 404
    for name in ("dieutra", "lanhdao"):
        response = client.post(f"/api/v1/submissions/{own}/review", json={"state": "approved"},
                               headers=_auth(tokens, name))
        assert response.status_code == 403
    assert client.post(f"/api/v1/submissions/{own}/review", json={"state": "approved"}).status_code == 401
    assert client.post(f"/api/v1/submissions/{own}/review", data="x",
                       headers=_auth(tokens, "giamsat")).status_code == 422
    session.expire_all()
    assert session.scalar(select(SubmissionComment.id)) is None


def test_list_is_area_limited_and_filtered(client, session, world, sent):
    own, other, tokens = sent
    listed = client.get("/api/v1/submissions?round=R2024", headers=_auth(tokens, "giamsat")).get_json()
    assert [item["uuid"] for item in listed["items"]] == [own]
    assert listed["total"] == 1 and listed["page"] == 1
    everyone = client.get("/api/v1/submissions", headers=_auth(tokens, "admin")).get_json()
    assert {item["uuid"] for item in everyone["items"]} == {own, other}
    assert client.get("/api/v1/submissions?area=C2", headers=_auth(tokens, "giamsat")).status_code == 404
    assert client.get("/api/v1/submissions?round=KHONG", headers=_auth(tokens, "giamsat")).status_code == 404
    assert client.get("/api/v1/submissions", headers=_auth(tokens, "lanhdao")).status_code == 403
    by_area = client.get("/api/v1/submissions?area=C2", headers=_auth(tokens, "admin")).get_json()
    assert [item["uuid"] for item in by_area["items"]] == [other]
    decide(session, world.users["giamsat"], session.scalar(select(Submission).where(Submission.uuid == own)),
           "has_issues", "Sửa số người")
    session.commit()
    returned = client.get("/api/v1/submissions?state=has_issues", headers=_auth(tokens, "dieutra")).get_json()
    assert [item["uuid"] for item in returned["items"]] == [own]
    assert returned["items"][0]["last_comment"]["body"] == "Sửa số người"
    waiting = client.get("/api/v1/submissions?state=submitted", headers=_auth(tokens, "admin")).get_json()
    assert [item["uuid"] for item in waiting["items"]] == [other]


def test_list_is_paginated(client, session, world, sent):
    _, _, tokens = sent
    first = client.get("/api/v1/submissions?per_page=1", headers=_auth(tokens, "admin")).get_json()
    second = client.get("/api/v1/submissions?per_page=1&page=2", headers=_auth(tokens, "admin")).get_json()
    assert first["pages"] == 2 and first["total"] == 2
    assert first["items"][0]["uuid"] != second["items"][0]["uuid"]


def test_session_write_needs_csrf(app, sent):
    from tests.conftest import csrf_token, login

    own, _, _ = sent
    client = app.test_client()
    login(client, "giamsat")
    url = f"/api/v1/submissions/{own}/review"
    assert client.post(url, json={"state": "approved"}).status_code == 400
    token = csrf_token(client, "/review/")
    assert client.post(url, json={"state": "approved"}, headers={"X-CSRFToken": token}).status_code == 200
