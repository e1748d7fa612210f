"""The access-control matrix: every route that shows or changes data, for each role,
inside and outside the account's area. 200 allowed, 403 role refused, 404 outside
the area (existence not revealed). State-changing requests without CSRF are refused."""
import pytest

from tests.conftest import login

ROLES = ["admin", "giamsat", "dieutra", "lanhdao"]
# household "in" lies in village V1 (covered by all four accounts); "out" in V2, another district.
# Expected status per role, in the order of ROLES.
MATRIX = [
    ("GET", "/", [200, 200, 302, 200]),  # an enumerator's home is the fieldwork page
    ("GET", "/account", [200, 200, 200, 200]),
    ("GET", "/households/", [200, 200, 200, 200]),
    ("GET", "/households/?area=C1", [200, 200, 404, 200]),
    ("GET", "/households/?area=C2", [200, 404, 404, 404]),
    ("GET", "/households/HV1-001", [200, 200, 200, 200]),
    ("GET", "/households/HV1B-001", [200, 200, 404, 200]),
    ("GET", "/households/HV2-001", [200, 404, 404, 404]),
    ("GET", "/households/new", [200, 200, 200, 403]),
    ("GET", "/households/HV1-001/edit", [200, 200, 200, 403]),
    ("GET", "/households/HV2-001/edit", [200, 404, 404, 403]),
    ("GET", "/households/import", [200, 200, 403, 403]),
    ("GET", "/admin/users", [200, 403, 403, 403]),
    ("GET", "/admin/users/new", [200, 403, 403, 403]),
    ("GET", "/admin/audit", [200, 403, 403, 403]),
    ("GET", "/rounds/", [200, 403, 403, 403]),
    ("GET", "/rounds/new", [200, 403, 403, 403]),
    ("GET", "/api/v1/me", [200, 200, 200, 200]),
    ("GET", "/api/v1/rounds", [200, 200, 200, 200]),
    ("GET", "/api/v1/households", [200, 200, 200, 200]),
    ("GET", "/api/v1/households?area=C1", [200, 200, 404, 200]),
    ("GET", "/api/v1/households?area=C2", [200, 404, 404, 404]),
    ("GET", "/api/v1/households/HV1-001", [200, 200, 200, 200]),
    ("GET", "/api/v1/households/HV2-001", [200, 404, 404, 404]),
]


@pytest.mark.parametrize("method,url,expected", MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_matrix(app, world, method, url, expected):
    for role, status in zip(ROLES, expected):
        client = app.test_client()
        login(client, role)
        response = client.open(url, method=method)
        assert response.status_code == status, f"{role} {method} {url}: {response.status_code}, expected {status}"


def test_anonymous_is_sent_to_login(client, world):
    for _, url, _ in MATRIX:
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_user_edit_page_limits(app, world):
    """An admin edits accounts inside the admin's area; others cannot reach the page."""
    giamsat_id = world.users["giamsat"].id
    for role, status in zip(ROLES, [200, 403, 403, 403]):
        client = app.test_client()
        login(client, role)
        assert client.get(f"/admin/users/{giamsat_id}").status_code == status


def test_district_admin_cannot_manage_accounts_elsewhere(client, world, factories, session):
    factories.user("admin_d1", "admin", "D1")
    session.commit()
    login(client, "admin_d1")
    assert client.get(f"/admin/users/{world.users['giamsat2'].id}").status_code == 404
    assert client.get(f"/admin/users/{world.users['giamsat'].id}").status_code == 200
    html = client.get("/admin/users").get_data(as_text=True)
    assert "giamsat2" not in html


STATE_CHANGING = [
    "/households/new", "/households/HV1-001/edit", "/households/import", "/admin/users/new", "/account", "/logout",
    "/rounds/new",
]


@pytest.mark.parametrize("url", STATE_CHANGING)
def test_post_without_csrf_is_refused(client, world, url):
    login(client, "admin")
    response = client.post(url, data={"code": "X", "head_name": "Y", "members": "2"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_admin_user_edit_without_csrf_is_refused(client, world):
    login(client, "admin")
    response = client.post(f"/admin/users/{world.users['giamsat'].id}", data={"role": "admin"})
    assert response.status_code == 400


# Routes over a survey round: round R2024 (small form) covers the province; a submitted questionnaire for
# HV1-001 (village V1) and one for HV2-001 (village V2, another district). Same roles and order as above.
SURVEY_MATRIX = [
    ("/fieldwork/", [200, 200, 200, 403]),
    ("/fieldwork/R2024/HV1-001", [200, 200, 200, 403]),
    ("/fieldwork/R2024/HV2-001", [200, 404, 404, 403]),
    ("/review/", [200, 200, 403, 403]),
    ("/review/{in_uuid}", [200, 200, 403, 403]),
    ("/review/{out_uuid}", [200, 404, 403, 403]),
    ("/review/{in_uuid}/diff", [200, 200, 403, 403]),
    ("/reports/", [200, 200, 200, 200]),
    ("/paper/jobs", [200, 200, 200, 200]),
    ("/api/v1/submissions", [200, 200, 200, 403]),
    ("/api/v1/submissions/{in_uuid}", [200, 200, 200, 200]),
    ("/api/v1/submissions/{out_uuid}", [200, 404, 404, 404]),
]


@pytest.fixture
def surveyed(world, session):
    from survey_app.submissions import SubmissionPayload, save_submission
    from tests.support.surveys import make_round, new_uuid, store_small_form

    make_round(session, store_small_form(session), code="R2024")
    uuids = {}
    for key, code, user in (("in_uuid", "HV1-001", "dieutra"), ("out_uuid", "HV2-001", "giamsat2")):
        uuids[key] = new_uuid()
        save_submission(session, world.users[user], SubmissionPayload(
            uuid=uuids[key], household_code=code, round_code="R2024", form_version=None,
            answers={"so_nguoi": 2, "co_vay": "khong"}, submit=True), today="2024-06-01")
    session.commit()
    return uuids


@pytest.mark.parametrize("url,expected", SURVEY_MATRIX, ids=[u for u, _ in SURVEY_MATRIX])
def test_survey_matrix(app, surveyed, url, expected):
    url = url.format(**surveyed)
    for role, status in zip(ROLES, expected):
        client = app.test_client()
        login(client, role)
        response = client.get(url)
        assert response.status_code == status, f"{role} GET {url}: {response.status_code}, expected {status}"
