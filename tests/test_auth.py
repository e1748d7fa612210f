"""Login, logout, lockout, password change, CSRF and session cookie settings."""
from sqlalchemy import select

from survey_app.auth.service import LOGIN_REFUSED
from survey_app.models import AuditEntry, LoginThrottle
from tests.conftest import csrf_from, csrf_token, login


def test_login_page_is_vietnamese(client, world):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Tên đăng nhập" in html


def test_login_and_logout(client, world, session):
    login(client, "giamsat")
    assert "Xin chào" in client.get("/").get_data(as_text=True)
    token = csrf_token(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"user.login", "user.logout"} <= actions


def test_wrong_password_then_lockout(client, world, session, app):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        html = client.post("/login", data={"username": "dieutra", "password": "sai", "csrf_token": token}).get_data(as_text=True)
        assert LOGIN_REFUSED in html
    # Even the right password is refused while blocked, with the same message.
    response = client.post("/login", data={"username": "dieutra", "password": "matkhau123", "csrf_token": token})
    assert response.status_code == 200 and LOGIN_REFUSED in response.get_data(as_text=True)
    assert session.scalar(select(LoginThrottle).where(LoginThrottle.key == "account:dieutra")).blocked_until


def test_login_without_csrf_is_refused(client, world):
    response = client.post("/login", data={"username": "admin", "password": "matkhau123"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_open_redirect_is_ignored(client, world):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": "admin", "password": "matkhau123", "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_change_password(client, world):
    login(client, "lanhdao")
    token = csrf_token(client)
    bad = client.post("/account", data={"current_password": "sai", "new_password": "moimoimoi1",
                                        "confirm": "moimoimoi1", "csrf_token": token})
    assert "Mật khẩu hiện tại không đúng" in bad.get_data(as_text=True)
    ok = client.post("/account", data={"current_password": "matkhau123", "new_password": "moimoimoi1",
                                       "confirm": "moimoimoi1", "csrf_token": token})
    assert ok.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "lanhdao", "moimoimoi1")


def test_session_cookie_flags(client, world, app):
    response = login(client, "admin")
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_secure_cookie_from_environment(monkeypatch, tmp_path):
    from survey_app.config import from_environment

    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = from_environment(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    # The generated secret key is written once and reused.
    assert from_environment(tmp_path)["SECRET_KEY"] == config["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text().strip() == config["SECRET_KEY"]


def test_database_url_forms():
    from survey_app.config import normalise_database_url

    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
