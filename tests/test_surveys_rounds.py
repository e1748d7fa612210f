"""Survey rounds: service validation, which rounds a user works in, the admin pages (admin only, area-limited),
GET /api/v1/rounds and the demo round."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.demo.seed import seed_demo
from survey_app.models import AuditEntry, SurveyRound
from survey_app.surveys.rounds import RoundError, create_round, rounds_open_to
from tests.conftest import csrf_from, login
from tests.support.surveys import make_round, store_campaign_form, store_small_form


def test_create_round_names_every_bad_field_in_vietnamese(app, session, world):
    qv = store_small_form(session)
    make_round(session, qv, code="R1")
    with pytest.raises(RoundError) as caught:
        create_round(session, None, "R1", " ", None, "2024-13-01", date(2024, 1, 1), ["KHONG_CO"], "Ra Soat")
    errors = caught.value.errors
    assert errors["code"] == "Mã đợt: đã có đợt mã 'R1'."
    assert errors["name"] == "Tên đợt: bắt buộc."
    assert errors["questionnaire_version"].startswith("Bảng hỏi:")
    assert errors["period_start"].startswith("Ngày bắt đầu: '2024-13-01' không phải ngày hợp lệ")
    assert errors["areas"] == "Địa bàn: không có địa bàn mã KHONG_CO."
    assert errors["series"].startswith("Nhóm đợt:")
    with pytest.raises(RoundError) as caught:
        create_round(session, None, "R2", "Đợt 2", qv, "2024-06-01", "2024-05-01", ["P"], "")
    assert caught.value.errors == {"period_end": "Ngày kết thúc: phải từ ngày bắt đầu trở đi."}


def test_create_round_keeps_an_admin_inside_their_areas(app, session, world, factories):
    qv = store_small_form(session)
    district_admin = factories.user("admin_d1", "admin", "D1")
    with pytest.raises(RoundError) as caught:
        create_round(session, district_admin, "R1", "Đợt 1", qv, "2024-01-01", "2024-12-31", ["C1", "D2"], "")
    assert "D2 nằm ngoài" in caught.value.errors["areas"]
    survey_round = create_round(session, district_admin, "R1", "Đợt 1", qv, "2024-01-01", "2024-12-31", ["C1"], "")
    assert [a.code for a in survey_round.areas] == ["C1"] and survey_round.is_open
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "round.create"))
    assert entry.actor == "admin_d1" and entry.after["areas"] == ["C1"]


def test_rounds_open_to_intersects_areas_both_ways(app, session, world):
    qv = store_small_form(session)
    commune_round = make_round(session, qv, code="XA_C1", areas=("C1",))
    make_round(session, qv, code="XA_C2", areas=("C2",))
    make_round(session, qv, code="DONG", areas=("P",), is_open=False)
    session.commit()
    users = world.users
    assert [r.code for r in rounds_open_to(session, users["dieutra"])] == ["XA_C1"]  # V1 lies in C1
    assert [r.code for r in rounds_open_to(session, users["giamsat2"])] == ["XA_C2"]
    assert sorted(r.code for r in rounds_open_to(session, users["admin"])) == ["XA_C1", "XA_C2"]  # P contains both
    assert [r.code for r in rounds_open_to(session, users["lanhdao"])] == ["XA_C1"]
    assert commune_round.covers(world.areas["V1"]) and not commune_round.covers(world.areas["V2"])


@pytest.mark.parametrize("username", ["giamsat", "dieutra", "lanhdao"])
def test_round_pages_are_for_admins_only(app, session, world, client, username):
    qv = store_small_form(session)
    survey_round = make_round(session, qv)
    session.commit()
    login(client, username)
    for path in ("/rounds/", "/rounds/new", f"/rounds/{survey_round.id}"):
        assert client.get(path).status_code == 403


def test_round_pages_need_login(app, world, client):
    response = client.get("/rounds/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_admin_lists_and_creates_a_round(app, session, world, client):
    qv = store_campaign_form(session)
    session.commit()
    login(client, "admin")
    page = client.get("/rounds/new")
    assert page.status_code == 200 and "phiên bản 2024.3" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    form = {"csrf_token": token, "code": "RS2024", "name": "Rà soát hộ DTTS năm 2024", "series": "ra_soat",
            "questionnaire_version": str(qv.id), "period_start": "2024-01-01", "period_end": "2024-12-31",
            "areas": "D1, D2", "is_open": "y", "count_only_approved": "y"}
    response = client.post("/rounds/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    created = session.scalar(select(SurveyRound).where(SurveyRound.code == "RS2024"))
    assert [a.code for a in created.areas] == ["D1", "D2"] and created.is_open
    assert created.questionnaire_version_id == qv.id and created.series == "ra_soat"
    listing = client.get("/rounds/").get_data(as_text=True)
    assert "RS2024" in listing and "Rà soát hộ DTTS năm 2024" in listing and "Đang mở" in listing
    assert "Đợt khảo sát" in client.get("/").get_data(as_text=True)  # menu entry


def test_create_page_shows_field_messages_and_saves_nothing(app, session, world, client):
    qv = store_small_form(session)
    session.commit()
    login(client, "admin")
    token = csrf_from(client.get("/rounds/new").get_data(as_text=True))
    response = client.post("/rounds/new", data={
        "csrf_token": token, "code": "", "name": "Đợt lỗi", "series": "", "questionnaire_version": str(qv.id),
        "period_start": "2024-06-01", "period_end": "2024-01-01", "areas": "P"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mã đợt: bắt buộc." in html and "Ngày kết thúc: phải từ ngày bắt đầu trở đi." in html
    assert session.scalar(select(func.count(SurveyRound.id))) == 0


def test_admin_closes_a_round_and_changes_its_areas(app, session, world, client):
    qv = store_small_form(session)
    survey_round = make_round(session, qv, areas=("P",))
    session.commit()
    login(client, "admin")
    page = client.get(f"/rounds/{survey_round.id}")
    assert page.status_code == 200 and 'value="2024-01-01"' in page.get_data(as_text=True)
    response = client.post(f"/rounds/{survey_round.id}", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Đợt đã đổi tên", "period_start": "2024-01-01",
        "period_end": "2024-12-31", "areas": "C1", "count_only_approved": "y"})
    assert response.status_code == 302
    session.expire_all()
    changed = session.get(SurveyRound, survey_round.id)
    assert not changed.is_open and [a.code for a in changed.areas] == ["C1"] and changed.name == "Đợt đã đổi tên"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "round.update"))
    assert entry.before["is_open"] is True and entry.after["is_open"] is False


def test_district_admin_manages_only_rounds_inside_their_district(app, session, world, factories, client):
    factories.user("admin_d1", "admin", "D1")
    qv = store_small_form(session)
    province_round = make_round(session, qv, code="TINH", areas=("P",))
    commune_round = make_round(session, qv, code="XA", areas=("C1",))
    session.commit()
    login(client, "admin_d1")
    listing = client.get("/rounds/").get_data(as_text=True)
    assert "XA" in listing and "TINH" not in listing
    assert client.get(f"/rounds/{province_round.id}").status_code == 404
    page = client.get(f"/rounds/{commune_round.id}")
    response = client.post(f"/rounds/{commune_round.id}", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "name": "Đợt xã", "period_start": "2024-01-01",
        "period_end": "2024-12-31", "areas": "C1, C2", "is_open": "y"})
    assert response.status_code == 422
    assert "C2 nằm ngoài" in response.get_data(as_text=True)
    session.expire_all()
    assert [a.code for a in session.get(SurveyRound, commune_round.id).areas] == ["C1"]


def test_api_rounds_lists_open_rounds_of_the_caller_with_their_definition(app, session, world, client):
    qv = store_campaign_form(session)
    make_round(session, qv, code="XA_C1", areas=("C1",))
    make_round(session, qv, code="XA_C2", areas=("C2",))
    session.commit()
    login(client, "dieutra")
    body = client.get("/api/v1/rounds").get_json()
    assert [item["code"] for item in body["items"]] == ["XA_C1"]
    item = body["items"][0]
    assert item["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert item["series"] == "ra_soat" and item["areas"] == ["C1"]
    assert item["questionnaire"] == {"form_id": "ho_gia_dinh", "version": "2024.3", "content_hash": qv.content_hash,
                                     "title": qv.title}
    assert item["definition"]["form_id"] == "ho_gia_dinh" and item["definition"]["sections"]


def test_api_rounds_needs_an_account(app, world, client):
    assert client.get("/api/v1/rounds").status_code == 401


def test_seed_demo_creates_the_demo_round_once(app, session):
    assert seed_demo(session, households_per_focus_village=2) is True
    session.commit()
    demo_round = session.scalar(select(SurveyRound).where(SurveyRound.code == "RS2024"))
    assert demo_round.name == "Rà soát hộ DTTS năm 2024" and demo_round.series == "ra_soat" and demo_round.is_open
    assert (demo_round.period_start, demo_round.period_end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert [a.code for a in demo_round.areas] == ["KT"]
    assert demo_round.questionnaire_version.form_id == "ho_gia_dinh"

    assert seed_demo(session) is False
    session.commit()
    assert seed_demo(session) is False
    session.commit()
    assert session.scalar(select(func.count(SurveyRound.id)).where(SurveyRound.code == "RS2024")) == 1
