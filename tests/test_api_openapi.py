"""The OpenAPI document of /api/v1 (survey_app/api/openapi.yaml, served at /api/v1/openapi.json): valid OpenAPI 3,
in step with app.url_map (every /api/ rule and method is in it, and nothing else), real responses match its
schemas, and a schemathesis run against the WSGI app finds no 5xx and only refusals of the one error shape."""
from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from openapi_spec_validator import validate

from survey_app.api.openapi import openapi_document
from survey_app.auth.service import issue_token
from tests.support.review import send, small_round
from tests.test_fuzz_inputs import json_values

PREFIX = "/api/v1"
FUZZ_EXAMPLES = 25  # per operation and database: the whole run stays well under a minute


def _document_routes(document) -> set[tuple[str, str]]:
    return {(method.upper(), PREFIX + path) for path, item in document["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")}


def _app_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_openapi_document_is_valid_openapi_3():
    validate(openapi_document())


def test_the_openapi_document_lists_every_api_route_and_nothing_else(app):
    document, served = _document_routes(openapi_document()), _app_routes(app)
    assert served - document == set(), "API routes missing from survey_app/api/openapi.yaml"
    assert document - served == set(), "survey_app/api/openapi.yaml describes routes the app does not have"


def test_the_openapi_document_is_served_to_an_account_only(client, api):
    _, auth = api
    assert client.get(f"{PREFIX}/openapi.json").status_code == 401
    response = client.get(f"{PREFIX}/openapi.json", headers=auth["dieutra"])
    assert response.status_code == 200 and response.get_json() == openapi_document()


@pytest.fixture
def api(world, session):
    small_round(session)
    own = send(session, world.users["dieutra"], world.households["in"])
    tokens = {name: issue_token(session, world.users[name], "test") for name in ("admin", "giamsat", "dieutra")}
    session.commit()
    return own.uuid, {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}


def _schema_of(document: dict, path: str, method: str, status: int) -> dict:
    responses = document["paths"][path][method]["responses"]
    response = responses.get(str(status)) or responses["default"]
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def assert_matches(response, path: str, method: str = "get") -> None:
    """The body validates against the document's schema for this operation and status (nullable, formats)."""
    document = openapi_document()
    schema = {"allOf": [_schema_of(document, path, method, response.status_code)],
              "components": document["components"]}
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in OAS30Validator(schema, format_checker=oas30_format_checker).iter_errors(response.get_json())]
    assert not errors, (path, response.status_code, errors[:5])


def test_real_responses_match_the_document(client, api, world):
    own, auth = api
    calls = [("/me", f"{PREFIX}/me"), ("/rounds", f"{PREFIX}/rounds"), ("/households", f"{PREFIX}/households"),
             ("/households/{code}", f"{PREFIX}/households/{world.households['in'].code}"),
             ("/submissions", f"{PREFIX}/submissions"), ("/submissions/{value}", f"{PREFIX}/submissions/{own}"),
             ("/rollup", f"{PREFIX}/rollup"), ("/households/{code}", f"{PREFIX}/households/KHONG-CO")]
    statuses = []
    for path, url in calls:
        response = client.get(url, headers=auth["giamsat"])
        statuses.append(response.status_code)
        assert_matches(response, path)
    assert statuses.count(200) >= 6, statuses  # the rollup may be a 404 (no ruleset), KHONG-CO is one
    review = client.post(f"{PREFIX}/submissions/{own}/review", headers=auth["giamsat"], json={"state": "approved"})
    assert review.status_code == 200
    assert_matches(review, "/submissions/{value}/review", "post")
    counted = client.post(f"{PREFIX}/submissions/{own}/count", headers=auth["giamsat"], json={})
    assert_matches(counted, "/submissions/{value}/count", "post")
    again = client.get(f"{PREFIX}/submissions/{own}", headers=auth["giamsat"]).get_json()
    body = {"uuid": "5b0e1f43-6a39-4a43-9a5e-2f1c1d6f0a11", "household": world.households["in"].code,
            "round": again["round"], "form_version": again["form_version"], "answers": again["answers"],
            "submit": True}
    saved = client.post(f"{PREFIX}/submissions", headers=auth["dieutra"], json=body)
    assert saved.status_code == 201, saved.get_json()
    assert_matches(saved, "/submissions", "post")
    assert_matches(client.post(f"{PREFIX}/submissions", headers=auth["dieutra"], json={}), "/submissions", "post")


def _fuzz_operation(app, operation, headers, found: list) -> None:
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        status = response.status_code
        if status >= 500:
            found.append(f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:200]} → {status}")
            return
        if status >= 400:
            body = response.json()
            assert set(body) == {"status", "code", "message", "errors"} and body["status"] == status, body
            assert isinstance(body["message"], str) and body["message"] and isinstance(body["errors"], dict)

    run()


def test_schemathesis_finds_no_server_error_and_only_the_one_error_shape(app, api):
    """Every operation of the document, with generated parameters and bodies, as a supervisor (who may call every
    route): any input gets a result or a 4xx in the one shape, never a 5xx."""
    _, auth = api
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app, headers=dict(auth["giamsat"]))
    operations = [result.ok() for result in schema.get_all_operations()]
    fuzzed = {(op.method.upper(), PREFIX + op.path) for op in operations}
    assert fuzzed == _document_routes(openapi_document()) - {("GET", f"{PREFIX}/openapi.json")}  # not itself
    found: list[str] = []
    for operation in operations:
        _fuzz_operation(app, operation, auth["giamsat"], found)
    assert not found, "5xx answers:\n" + "\n".join(found[:20])


def test_generated_answers_in_a_valid_envelope_are_saved_or_refused_never_a_server_error(client, api):
    """Schemathesis alone rarely names a real household and round; here they are real and the answers are generated,
    so the whole save path (validation, scoring, flags) runs: 201/200 or a 4xx in the one shape."""
    own, auth = api
    stored = client.get(f"{PREFIX}/submissions/{own}", headers=auth["giamsat"]).get_json()
    envelope = {key: stored[key] for key in ("household", "round", "form_version")}
    @settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(answers=st.dictionaries(st.sampled_from([*stored["answers"], "khong_co", "thanh_vien"]), json_values),
           submit=st.booleans(), uuid=st.uuids())
    def run(answers, submit, uuid):
        response = client.post(f"{PREFIX}/submissions", headers=auth["dieutra"],
                               json={**envelope, "uuid": str(uuid), "answers": answers, "submit": submit})
        assert response.status_code < 500
        assert_matches(response, "/submissions", "post")

    run()
