"""Findings "500s" and "limits": integers >= 2**63 in `page`, `year` and ids, JSON nested 100.000 deep and a body
over MAX_CONTENT_LENGTH get a clear 4xx in Vietnamese (the one JSON shape under /api/), never a 500."""
from __future__ import annotations

import pytest

from survey_app.auth.service import issue_token
from survey_app.inputs import MAX_JSON_DEPTH, json_depth
from tests.conftest import login
from tests.support.review import send, small_round
from tests.test_api_errors import assert_problem

HUGE = str(2**63)
API_QUERIES = [f"/api/v1/households?page={HUGE}", f"/api/v1/households?per_page={HUGE}",
               f"/api/v1/households?year={HUGE}", f"/api/v1/submissions?page={HUGE}",
               f"/api/v1/submissions?per_page=-{HUGE}", "/api/v1/households?page=1e400", "/api/v1/households?year=abc"]
PAGE_QUERIES = [f"/households/?page={HUGE}", f"/households/?year={HUGE}", f"/review/?page={HUGE}",
                f"/admin/audit?page={HUGE}", f"/admin/users/{HUGE}", f"/surveys/{HUGE}", f"/paper/jobs/{HUGE}",
                f"/paper/jobs/{HUGE}/status", f"/paper/jobs/{HUGE}/download", "/admin/audit?from=9999-12-31&to=9999-12-31",
                "/admin/audit?from=0001-01-01"]


@pytest.fixture
def tokens(world, session):
    small_round(session)
    own = send(session, world.users["dieutra"], world.households["in"])
    token = issue_token(session, world.users["admin"], "test")
    session.commit()
    return own.uuid, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("url", API_QUERIES)
def test_huge_integers_in_api_queries_are_a_400_not_a_500(client, tokens, url):
    body = assert_problem(client.get(url, headers=tokens[1]), 400)
    assert "phải là số nguyên" in body["message"] and body["errors"]


def test_huge_integers_in_pages_and_ids_are_a_4xx_not_a_500(client, tokens):
    login(client, "admin")
    for url in PAGE_QUERIES:
        status = client.get(url).status_code
        assert 400 <= status < 500 or (status == 200 and "audit" in url), (url, status)
    uuid = tokens[0]
    assert client.get(f"/review/{uuid}/versions/{HUGE}").status_code == 404
    assert client.get(f"/review/{uuid}/diff?from={HUGE}").status_code == 400


def test_json_nested_100000_deep_is_a_400_not_a_500(client, tokens):
    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, '{"a":' * 200 + "1" + "}" * 200):
        response = client.post("/api/v1/submissions", data=body, headers={**tokens[1], "Content-Type": "application/json"})
        problem = assert_problem(response, 400)
        assert f"tối đa {MAX_JSON_DEPTH} tầng" in problem["message"]


def test_json_depth_is_counted_without_recursion():
    assert json_depth({"a": [1, {"b": []}]}) == 4
    assert json_depth(1) == 0
    assert json_depth([[[]]] * 3) == 3


def test_request_body_over_the_limit_is_a_413_in_the_one_shape(app, client, tokens):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/api/v1/submissions", data=b"x" * (limit + 1),
                           headers={**tokens[1], "Content-Type": "application/json"})
    assert_problem(response, 413)
