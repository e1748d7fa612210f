"""Regression tests of the account and session findings of the security review (issue 12): sessions end on
logout, password change, reset and deactivation; throttled logins per account and address with one message;
expiring, listed and revocable API tokens; weak passwords refused."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from survey_app.auth import service
from survey_app.auth.service import LOGIN_REFUSED, Policy, authenticate, issue_token
from survey_app.core.clock import utc_now
from survey_app.models import ApiToken, AuditEntry, LoginThrottle, User
from tests.conftest import csrf_from, csrf_token, login

RIGHT = "matkhau123"


def _user(session, username: str) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.username == username))


def _post_login(client, username: str, password: str):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _copy_cookie(client):
    return client.get_cookie("session").value


def _with_cookie(app, value):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_logout_ends_the_session(app, client, world):
    login(client, "giamsat")
    copied = _copy_cookie(client)
    assert _with_cookie(app, copied).get("/account").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert _with_cookie(app, copied).get("/account").status_code == 302  # to the login page


def test_password_change_ends_other_sessions_and_tokens(app, client, world, session):
    token = issue_token(session, world.users["lanhdao"], "máy tính bảng")
    session.commit()
    login(client, "lanhdao")
    other = app.test_client()
    login(other, "lanhdao")
    response = client.post("/account", data={"current_password": RIGHT, "new_password": "moi-doi-Mk-2024",
                                             "confirm": "moi-doi-Mk-2024", "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert other.get("/account").status_code == 302  # the other one ended
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_admin_reset_ends_sessions_and_tokens(app, client, world, session):
    user = world.users["dieutra"]
    token = issue_token(session, user, "thiết bị")
    session.commit()
    victim = app.test_client()
    login(victim, "dieutra")
    service.set_password(session, _user(session, "dieutra"), "dat-lai-Mk-77", actor=None)
    session.commit()
    assert victim.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "user.password_reset"))


def test_deactivation_ends_sessions_and_tokens(app, client, world, session):
    target = world.users["lanhdao"]
    token = issue_token(session, target, "x")
    session.commit()
    victim = app.test_client()
    login(victim, "lanhdao")
    login(client, "admin")
    form = {"csrf_token": csrf_token(client, f"/admin/users/{target.id}"), "username": "lanhdao",
            "full_name": "Lãnh đạo", "role": "viewer", "areas": ", ".join(a.code for a in target.areas),
            "password": ""}  # the "active" box not ticked
    assert client.post(f"/admin/users/{target.id}", data=form).status_code == 302
    assert victim.get("/account").status_code == 302
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    revoked = session.scalar(select(ApiToken).where(ApiToken.user_id == target.id))
    session.refresh(revoked)
    assert revoked.revoked


def test_lock_message_does_not_confirm_the_account(client, world, app):
    answers = {}
    for name in ("dieutra", "khong-co-ai"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1):
            response = _post_login(client, name, "sai-mat-khau")
        answers[name] = response.get_data(as_text=True)
    assert LOGIN_REFUSED in answers["dieutra"] and LOGIN_REFUSED in answers["khong-co-ai"]
    for html in answers.values():
        assert "tạm khóa" not in html.lower() and "vô hiệu" not in html


def test_deactivated_account_not_revealed_without_the_password(client, world, session):
    _user(session, "lanhdao").active = False
    session.commit()
    wrong = _post_login(client, "lanhdao", "sai-mat-khau").get_data(as_text=True)
    assert LOGIN_REFUSED in wrong and "vô hiệu" not in wrong
    assert "vô hiệu hóa" in _post_login(client, "lanhdao", RIGHT).get_data(as_text=True)


def _client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_login_throttles_per_client_address(app, world):
    attacker = _client_at(app, "203.0.113.9")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for n in range(limit):  # a different username each time: no account reaches its own allowance
        _post_login(attacker, f"ten{n}", "sai-mat-khau")
    assert LOGIN_REFUSED in _post_login(attacker, "admin", RIGHT).get_data(as_text=True)
    bystander = _client_at(app, "198.51.100.7")
    assert _post_login(bystander, "admin", RIGHT).status_code == 302


def test_login_delay_grows_exponentially_and_ends(session, world):
    policy = Policy(account_allowance=3, address_allowance=100, delay_seconds=30, cap_minutes=15)
    now = utc_now()
    delays = []
    for _ in range(8):
        for _ in range(3 if not delays else 1):
            user, _ = authenticate(session, "dieutra", "sai", address="10.1.1.1", policy=policy, now=now)
            assert user is None
        row = session.get(LoginThrottle, "account:dieutra")
        delays.append(round((row.blocked_until - now).total_seconds()))
        now = row.blocked_until + timedelta(seconds=1)
    assert delays == [30, 60, 120, 240, 480, 900, 900, 900]
    user, message = authenticate(session, "dieutra", RIGHT, address="10.1.1.1", policy=policy, now=now)
    assert user is not None and message is None
    assert session.get(LoginThrottle, "account:dieutra") is None  # a success clears the account's counter


def test_unknown_username_costs_one_hash_like_a_wrong_password(session, world, monkeypatch):
    calls = {"hash": 0, "check": 0}
    real_hash, real_check = service.hash_password, service.check_password_hash
    service._dummy_hash()  # made once per process
    monkeypatch.setattr(service, "hash_password", lambda p: calls.__setitem__("hash", calls["hash"] + 1) or real_hash(p))
    monkeypatch.setattr(service, "check_password_hash",
                        lambda h, p: calls.__setitem__("check", calls["check"] + 1) or real_check(h, p))
    policy = Policy()
    for name in ("khong-co-ai", "dieutra"):
        authenticate(session, name, "sai-mat-khau", address="10.2.2.2", policy=policy)
    assert calls == {"hash": 0, "check": 2}


def test_unlock_command_lifts_the_throttle(app, client, world):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _post_login(client, "giamsat", "sai-mat-khau")
    assert _post_login(client, "giamsat", RIGHT).status_code == 200
    result = app.test_cli_runner().invoke(args=["users", "unlock", "giamsat"])
    assert result.exit_code == 0 and "Đã mở chặn" in result.output
    assert _post_login(client, "giamsat", RIGHT).status_code == 302


def test_expired_and_revoked_tokens_get_401(app, world, session):
    live = issue_token(session, world.users["dieutra"], "a", days=1)
    old = issue_token(session, world.users["dieutra"], "b", days=1)
    revoked = issue_token(session, world.users["dieutra"], "c")
    rows = {t.label: t for t in session.scalars(select(ApiToken))}
    rows["b"].expires_at = utc_now() - timedelta(seconds=1)
    rows["c"].revoked = True
    session.commit()
    api = app.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {live}"}).status_code == 200
    for token in (old, revoked):
        response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert set(response.get_json()) == {"status", "code", "message", "errors"}


def test_tokens_expire_after_the_configured_default(app, world, session):
    result = app.test_cli_runner().invoke(args=["users", "token", "dieutra", "--label", "máy 1"])
    assert result.exit_code == 0
    row = session.scalar(select(ApiToken))
    days = (row.expires_at - row.created_at).total_seconds() / 86400
    assert round(days) == app.config["API_TOKEN_DAYS"] == 90


def test_token_page_lists_and_revokes_own_tokens(app, client, world, session):
    issue_token(session, world.users["dieutra"], "máy tính bảng")
    issue_token(session, world.users["giamsat"], "của người khác")
    session.commit()
    mine, theirs = sorted(session.scalars(select(ApiToken)), key=lambda t: t.label != "máy tính bảng")
    login(client, "dieutra")
    html = client.get("/account/tokens").get_data(as_text=True)
    assert "máy tính bảng" in html and "của người khác" not in html and mine.prefix in html
    csrf = csrf_token(client, "/account/tokens")
    assert client.post(f"/account/tokens/{theirs.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/account/tokens/{mine.id}/revoke", data={"csrf_token": csrf}).status_code == 302
    assert "Đã thu hồi" in client.get("/account/tokens").get_data(as_text=True)
    session.expire_all()
    assert session.get(ApiToken, mine.id).revoked and not session.get(ApiToken, theirs.id).revoked


def test_cli_lists_and_revokes_tokens(app, world, session):
    issue_token(session, world.users["dieutra"], "máy 2")
    session.commit()
    runner = app.test_cli_runner()
    row = session.scalar(select(ApiToken))
    listing = runner.invoke(args=["users", "tokens", "dieutra"])
    assert listing.exit_code == 0 and f"{row.id}\t{row.prefix}" in listing.output and "còn hiệu lực" in listing.output
    assert runner.invoke(args=["users", "revoke", str(row.id)]).exit_code == 0
    assert "đã thu hồi" in runner.invoke(args=["users", "tokens", "dieutra"]).output
    again = runner.invoke(args=["users", "revoke", str(row.id)])
    assert again.exit_code != 0 and "đã bị thu hồi" in again.output


def test_weak_passwords_are_refused(app, world):
    runner = app.test_cli_runner()
    for weak, message in (("12345678", "ít nhất 10"), ("1234567890", "dễ đoán"), ("ctv09-matkhau", "tên đăng nhập"),
                          ("aaaaaaaaaaaa", "dễ đoán"), ("Password123", "dễ đoán")):
        result = runner.invoke(args=["users", "create", "ctv09", "--role", "enumerator", "--area", "V1"],
                               input=weak + "\n")
        assert result.exit_code != 0 and message in result.output, (weak, result.output)
    ok = runner.invoke(args=["users", "create", "ctv09", "--role", "enumerator", "--area", "V1"], input=RIGHT + "\n")
    assert ok.exit_code == 0, ok.output
