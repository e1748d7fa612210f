"""Accounts from the CLI, API tokens, admin account pages, demo data."""
from sqlalchemy import func, select

from survey_app.models import ApiToken, Area, Household, User
from tests.conftest import csrf_token, login


def test_users_create_reads_password_from_stdin(app, world, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "ctv01", "--role", "enumerator", "--area", "V1",
                                 "--area", "V1B"], input="matkhau-moi-1\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.username == "ctv01"))
    assert user.role == "enumerator" and {a.code for a in user.areas} == {"V1", "V1B"}
    assert user.password_hash != "matkhau-moi-1"
    login(app.test_client(), "ctv01", "matkhau-moi-1")


def test_users_create_refuses_bad_input(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "ctv02", "--role", "enumerator", "--area", "NOPE"],
                           input="matkhau-moi-1\n")
    assert result.exit_code != 0 and "Không có địa bàn mã: NOPE" in result.output
    result = runner.invoke(args=["users", "create", "ctv02", "--role", "enumerator", "--area", "V1"], input="ngan\n")
    assert result.exit_code != 0 and "ít nhất 10 ký tự" in result.output
    result = runner.invoke(args=["users", "create", "admin", "--role", "admin", "--area", "P"], input="matkhau123\n")
    assert result.exit_code != 0 and "đã tồn tại" in result.output


def test_api_token_is_hashed_and_accepted(app, world, session):
    result = app.test_cli_runner().invoke(args=["users", "token", "giamsat"])
    assert result.exit_code == 0
    token = result.output.strip()
    stored = session.scalar(select(ApiToken))
    assert stored.token_hash != token and token not in stored.token_hash
    client = app.test_client()
    response = client.get("/api/v1/households?area=C1", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.get_json()["total"] == 2
    assert client.get("/api/v1/households?area=C2", headers={"Authorization": f"Bearer {token}"}).status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # A token is for the API only, never for the pages.
    assert client.get("/households/", headers={"Authorization": f"Bearer {token}"}).status_code == 302


def test_admin_creates_and_edits_account(client, world, session):
    login(client, "admin")
    token = csrf_token(client, "/admin/users/new")
    response = client.post("/admin/users/new", data={"csrf_token": token, "username": "ctv05", "full_name": "Y Blưm",
                                                     "role": "enumerator", "areas": "V1, V1B", "password": "matkhau-ctv5",
                                                     "active": "y"})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "ctv05"))
    response = client.post(f"/admin/users/{user.id}", data={"csrf_token": token, "username": "ctv05",
                                                            "full_name": "Y Blưm", "role": "enumerator",
                                                            "areas": "V2", "password": ""})
    assert response.status_code == 302
    session.expire_all()
    assert [a.code for a in session.get(User, user.id).areas] == ["V2"]
    assert session.get(User, user.id).active is False  # the box was not ticked
    bad = client.post("/admin/users/new", data={"csrf_token": token, "username": "x y", "role": "viewer",
                                                "areas": "P", "password": "matkhau-ctv5"})
    assert bad.status_code == 422 and "Tên đăng nhập chỉ gồm" in bad.get_data(as_text=True)


def test_seed_demo_is_idempotent(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "giamsat" in first.output and "matkhau123" in first.output
    counts = (session.scalar(select(func.count()).select_from(Area)),
              session.scalar(select(func.count()).select_from(Household)))
    assert counts[1] >= 200
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "không nạp lại" in second.output
    assert counts == (session.scalar(select(func.count()).select_from(Area)),
                      session.scalar(select(func.count()).select_from(Household)))
    names = set(session.scalars(select(Area.name)))
    assert {"Kon Plông", "Đăk Glei", "Măng Cành", "Măng Bút", "Kon Tu Rằng 2", "Hơ Moong", "Ia H'Drai"} <= names
    for username in ("admin", "giamsat", "dieutra", "lanhdao"):
        login(app.test_client(), username)


def test_demo_round_has_reviewed_questionnaires_and_a_report(app, session):
    from survey_app.models import HouseholdResult, Submission, SurveyRound

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    demo_round = session.scalar(select(SurveyRound).where(SurveyRound.code == "RS2024"))
    states = dict(session.execute(select(Submission.state, func.count()).where(Submission.round_id == demo_round.id)
                                  .group_by(Submission.state)).all())
    assert set(states) == {"draft", "submitted", "edited", "has_issues", "approved", "rejected"}
    assert states["approved"] > 200
    # The enumerator's two villages are left to survey.
    dieutra_left = session.scalar(select(func.count()).select_from(Household).join(Area)
                                  .where(Area.code.in_(["KT-KPL-01-01", "KT-KPL-01-02"]),
                                         Household.id.not_in(select(Submission.household_id))))
    assert dieutra_left > 20
    assert session.scalar(select(func.count()).select_from(HouseholdResult)) >= 2 * states["approved"]
    client = app.test_client()
    login(client, "lanhdao")
    data = client.get("/api/v1/rollup?round=RS2024").get_json()
    assert data["area"]["code"] == "KT-KPL" and data["area"]["denominator"] > 20
