"""POST /api/v1/device/register: a revocable per-device credential, so that an outbox filled over days offline
still syncs after the login session has ended, and a lost tablet can be cut off from the account page."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_app.auth.service import DEVICE_TOKEN_DAYS
from survey_app.core.clock import utc_now
from survey_app.models import ApiToken
from tests.conftest import csrf_token, login
from tests.support.review import small_round
from tests.support.sync import PACKAGE, SUBMISSIONS, bearer, body
from tests.test_api_openapi import assert_matches

REGISTER = "/api/v1/device/register"


@pytest.fixture
def registered(app, client, session, world):
    """The enumerator's tablet registered from its login session: (token, answer)."""
    small_round(session)
    session.commit()
    login(client, "dieutra")
    response = client.post(REGISTER, json={"label": "  Máy tính bảng   số 3 "},
                           headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201, response.get_json()
    assert_matches(response, "/device/register", "post")
    return response.get_json()


def test_registering_gives_a_device_token_bound_to_the_user(session, world, registered):
    assert registered["token"].startswith("svt_") and registered["label"] == "Máy tính bảng số 3"
    assert registered["user"] == {"id": world.users["dieutra"].id, "username": "dieutra", "full_name": "dieutra",
                                  "role": "enumerator"}
    row = session.scalar(select(ApiToken).where(ApiToken.id == registered["token_id"]))
    assert row.kind == "device" and row.user_id == world.users["dieutra"].id
    assert abs(row.expires_at - (utc_now() + timedelta(days=DEVICE_TOKEN_DAYS))) < timedelta(minutes=1)


def test_the_device_token_syncs_after_the_session_has_ended(app, client, registered):
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert client.get(PACKAGE).status_code == 401  # the cookie no longer works
    device = app.test_client()
    headers = {"Authorization": f"Bearer {registered['token']}"}
    assert device.get(PACKAGE, headers=headers).get_json()["user"]["username"] == "dieutra"
    saved = device.post(SUBMISSIONS, json=body(), headers=headers)  # no CSRF with a token
    assert saved.status_code == 201 and saved.get_json()["enumerator"] == "dieutra"


def test_the_token_is_listed_and_revoked_on_the_account_page(app, client, registered):
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Thiết bị" in page and "Máy tính bảng số 3" in page and registered["prefix"] in page
    revoked = client.post(f"/account/tokens/{registered['token_id']}/revoke",
                          data={"csrf_token": csrf_token(client)})
    assert revoked.status_code == 302
    refused = app.test_client().get(PACKAGE, headers={"Authorization": f"Bearer {registered['token']}"})
    assert refused.status_code == 401 and "đã thu hồi" in refused.get_json()["message"]


def test_a_token_cannot_register_a_device(app, session, world):
    response = app.test_client().post(REGISTER, json={}, headers=bearer(session, world.users["dieutra"]))
    assert response.status_code == 403
    assert response.get_json()["message"].startswith("Đăng ký thiết bị cần đăng nhập bằng mật khẩu")


def test_registering_needs_the_csrf_header(client, world):
    login(client, "dieutra")
    response = client.post(REGISTER, json={})
    assert response.status_code == 400 and response.get_json()["code"] == "csrf"


@pytest.mark.parametrize("label", ["x" * 81, 7, ["a"]])
def test_a_bad_label_is_refused_and_no_token_issued(client, session, world, label):
    login(client, "dieutra")
    response = client.post(REGISTER, json={"label": label}, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 422 and "label" in response.get_json()["errors"]
    assert session.scalar(select(ApiToken).where(ApiToken.kind == "device")) is None


def test_an_empty_body_gives_a_default_label(client, world):
    login(client, "dieutra")
    response = client.post(REGISTER, headers={"X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201 and response.get_json()["label"] == "Máy tính bảng"
