"""Every refusal of the JSON API has the one documented shape (docs/api.md):
``{"status": <int>, "code": <str>, "message": <Vietnamese str>, "errors": {<field>: <str>}}``.

The walk takes the API's rules from ``app.url_map`` and calls each in ways that fail: anonymous (401), a method the
rule does not take (405), an unknown object (404), a role that may not (403), a body that is not JSON (422), a
filter outside the area (404), a session write without the CSRF header (400). A new /api/ rule is walked too, and
the test fails unless some refusal of it was seen. Pages keep the Vietnamese error page."""
from __future__ import annotations

import re

import pytest

from survey_app.auth.service import issue_token
from survey_app.errors import ERROR_TEXT, Conflict, Invalid, NotFound, ServiceError
from survey_app.submissions import SubmissionConflict, SubmissionInvalid, SubmissionNotFound
from tests.conftest import login
from tests.support.review import send, small_round

PROBLEM_KEYS = {"status", "code", "message", "errors"}
VIETNAMESE = set("ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵĂÂĐÊÔƠƯ")
UNKNOWN = {"value": "00000000-0000-4000-8000-000000000000", "code": "KHONG-CO", "version_id": "999999"}
NOT_TAKEN = ("PUT", "PATCH", "DELETE", "POST", "GET")


def assert_problem(response, status: int) -> dict:
    """The body is exactly the documented shape, its status is the response's, its message is Vietnamese."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status
    assert isinstance(body["code"], str) and body["code"] and body["code"].isascii()
    assert isinstance(body["message"], str) and VIETNAMESE & set(body["message"]), body["message"]
    assert isinstance(body["errors"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in body["errors"].items())
    return body


@pytest.fixture
def api(world, session):
    small_round(session)
    own = send(session, world.users["dieutra"], world.households["in"])
    tokens = {name: issue_token(session, world.users[name], "test")
              for name in ("admin", "giamsat", "dieutra", "lanhdao")}
    session.commit()
    return own.uuid, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def _api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")]


def _url(rule, **values) -> str:
    template = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)  # <int:version_id> → {version_id}
    return template.format(**{arg: values.get(arg, UNKNOWN.get(arg, "x")) for arg in rule.arguments})


def test_every_api_rule_refuses_in_the_documented_shape(app, client, api):
    own, auth = api
    seen: set[str] = set()

    def refused(method, url, status, *, endpoint, **kwargs):
        assert_problem(client.open(url, method=method, **kwargs), status)
        seen.add(endpoint)

    for rule in _api_rules(app):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        url = _url(rule)
        for method in methods:
            refused(method, url, 401, endpoint=rule.endpoint)  # anonymous
            refused(method, url, 401, endpoint=rule.endpoint, headers={"Authorization": "Bearer svt_wrong"})
        others = [m for m in NOT_TAKEN if not any(m in r.methods for r in app.url_map.iter_rules()
                                                  if r.rule == rule.rule)]
        refused(others[0], url, 405, endpoint=rule.endpoint, headers=auth["admin"])
        if rule.arguments and "GET" in methods:
            refused("GET", url, 404, endpoint=rule.endpoint, headers=auth["admin"])  # unknown object
        if rule.arguments and "POST" in methods:
            refused("POST", url, 404, endpoint=rule.endpoint, headers=auth["admin"], json={"state": "approved"})
    missing = {rule.endpoint for rule in _api_rules(app)} - seen
    assert not missing, f"API rules without a walked refusal: {sorted(missing)}"


@pytest.mark.parametrize("method,url,who,kwargs,status", [
    ("POST", "/api/v1/submissions/{own}/review", "dieutra", {"json": {"state": "approved"}}, 403),
    ("POST", "/api/v1/submissions/{own}/review", "lanhdao", {"json": {"state": "approved"}}, 403),
    ("POST", "/api/v1/submissions/{own}/count", "dieutra", {"json": {}}, 403),
    ("GET", "/api/v1/submissions", "lanhdao", {}, 403),
    ("POST", "/api/v1/submissions/{own}/review", "giamsat", {"data": "x"}, 422),
    ("POST", "/api/v1/submissions/{own}/review", "giamsat", {"json": {"state": "approved", "comment": 3}}, 422),
    ("POST", "/api/v1/submissions/{own}/review", "giamsat", {"json": {"state": "has_issues"}}, 422),
    ("POST", "/api/v1/submissions/{own}/review", "giamsat", {"json": {"state": "ok"}}, 409),
    ("POST", "/api/v1/submissions/{own}/count", "giamsat", {"json": {"comment": 3}}, 422),
    ("POST", "/api/v1/submissions", "dieutra", {"data": "x"}, 422),
    ("POST", "/api/v1/submissions", "dieutra", {"json": {"uuid": "x"}}, 422),
    ("POST", "/api/v1/submissions", "lanhdao", {"json": {}}, 422),
    ("GET", "/api/v1/submissions?round=KHONG-CO", "giamsat", {}, 404),
    ("GET", "/api/v1/submissions?state=khong", "giamsat", {}, 404),
    ("GET", "/api/v1/households?area=C2", "giamsat", {}, 404),
    ("GET", "/api/v1/households/HV2-001", "giamsat", {}, 404),
    ("GET", "/api/v1/rollup?area=KHONG-CO", "giamsat", {}, 404),
    ("GET", "/api/v1/rollup?round=KHONG-CO", "giamsat", {}, 404),
    ("GET", "/api/v1/khong-co", "giamsat", {}, 404),
])
def test_api_refusals_have_the_documented_shape(client, api, method, url, who, kwargs, status):
    own, auth = api
    body = assert_problem(client.open(url.format(own=own), method=method, headers=auth[who], **kwargs), status)
    if status == 422 and "comment" in str(kwargs):
        assert "comment" in body["errors"]  # the message names the field


def test_session_write_without_csrf_header_is_refused_as_json(client, api):
    own, _ = api
    login(client, "giamsat")
    body = assert_problem(client.post(f"/api/v1/submissions/{own}/review", json={"state": "approved"}), 400)
    assert body["code"] == "csrf" and "CSRF" in body["message"]


def test_a_client_asking_for_json_outside_the_api_gets_the_same_shape(client, world):
    login(client, "giamsat")
    response = client.get("/paper/jobs/999999/status", headers={"Accept": "application/json"})
    assert assert_problem(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("who,url,status", [
    ("dieutra", "/admin/users", 403),
    ("giamsat", "/households/HV2-001", 404),
    ("giamsat", "/khong-co-trang-nay", 404),
    ("giamsat", "/review/00000000-0000-4000-8000-000000000000", 404),
])
def test_pages_render_the_vietnamese_error_page(client, world, who, url, status):
    login(client, who)
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "text/html"
    assert ERROR_TEXT[status] in response.get_data(as_text=True)


def test_a_page_refusal_shows_its_own_message(client, world):
    login(client, "giamsat")
    response = client.get("/review/?round=KHONG-CO")
    assert response.status_code == 404 and "Không có đợt khảo sát “KHONG-CO”" in response.get_data(as_text=True)


def test_wrong_method_on_a_page_keeps_the_allow_header(client, world):
    login(client, "giamsat")
    response = client.delete("/account")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert ERROR_TEXT[405] in response.get_data(as_text=True)


def test_service_errors_are_one_family():
    assert issubclass(SubmissionNotFound, NotFound) and issubclass(SubmissionConflict, Conflict)
    assert issubclass(SubmissionInvalid, Invalid) and issubclass(Invalid, ServiceError)
    err = NotFound()
    assert (err.status, err.error_code, err.message) == (404, "not_found", ERROR_TEXT[404])
    assert Invalid("Tên: bắt buộc.", {"name": "bắt buộc"}).errors == {"name": "bắt buộc"}
