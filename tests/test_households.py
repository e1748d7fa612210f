"""Household register pages and the JSON list: filters, pagination, add, edit, audit."""
from sqlalchemy import select

from survey_app.models import AuditEntry, Household
from tests.conftest import csrf_token, login


def _form(token, **overrides):
    data = {"code": "HV1-002", "head_name": "Y Hoa Rơ Măm", "ethnic_group": "ro_mam", "village": "V1",
            "members": "5", "address": "Thôn Kon Tu Rằng 2", "status_year": "2024", "status": "can_ngheo",
            "csrf_token": token}
    data.update(overrides)
    return data


def test_list_filters_and_search(client, world):
    login(client, "giamsat")
    html = client.get("/households/").get_data(as_text=True)
    assert "Đinh Văn Ằm" in html and "Y Nhung" in html and "A Blưm" not in html
    html = client.get("/households/?q=nhung").get_data(as_text=True)
    assert "Y Nhung" in html and "Đinh Văn Ằm" not in html
    html = client.get("/households/?ethnic_group=xo_dang").get_data(as_text=True)
    assert "Đinh Văn Ằm" in html and "Y Nhung" not in html
    html = client.get("/households/?status=can_ngheo&year=2024").get_data(as_text=True)
    assert "Y Nhung" in html and "Đinh Văn Ằm" not in html
    html = client.get("/households/?area=V1B").get_data(as_text=True)
    assert "Y Nhung" in html and "Đinh Văn Ằm" not in html


def test_list_is_paginated(client, world, factories, session):
    for i in range(120):
        factories.household(world.areas["V1"], code=f"P{i:04d}", head_name=f"A Hùng {i}")
    session.commit()
    login(client, "dieutra")
    html = client.get("/households/?per_page=50").get_data(as_text=True)
    assert "Trang 1/3" in html and "P0000" in html and "P0060" not in html
    html = client.get("/households/?per_page=50&page=2").get_data(as_text=True)
    assert "P0060" in html


def test_add_household_and_audit(client, world, session):
    """An enumerator adds a household met in the field; its official status is the commune's to set."""
    login(client, "dieutra")
    response = client.post("/households/new", data=_form(csrf_token(client, "/households/new"), status=""))
    assert response.status_code == 302
    household = session.scalar(select(Household).where(Household.code == "HV1-002"))
    assert household.head_name == "Y Hoa Rơ Măm" and household.status_for(2024) is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.create"))
    assert entry.actor == "dieutra" and entry.after["head_name"] == "Y Hoa Rơ Măm" and entry.before is None


def test_add_household_errors_name_the_field(client, world, session):
    login(client, "dieutra")
    token = csrf_token(client, "/households/new")
    response = client.post("/households/new", data=_form(token, members="0"))
    assert response.status_code == 422
    assert "Số thành viên phải từ 1 đến 60" in response.get_data(as_text=True)
    response = client.post("/households/new", data=_form(token, code="HV2-001"))
    assert response.status_code == 422 and "đã được dùng" in response.get_data(as_text=True)
    # A village outside the enumerator's area is not even offered, and is refused if posted.
    response = client.post("/households/new", data=_form(token, village="V2"))
    assert response.status_code == 422
    assert session.scalar(select(Household).where(Household.code == "HV1-002")) is None


def test_edit_household_records_before_and_after(client, world, session):
    login(client, "giamsat")
    token = csrf_token(client, "/households/HV1-001/edit")
    response = client.post("/households/HV1-001/edit",
                           data=_form(token, code="HV1-001", head_name="Đinh Văn Ằm", members="6", status="ngheo"))
    assert response.status_code == 302
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.update"))
    assert entry.before["members"] == 4 and entry.after["members"] == 6


def test_api_households_paginated(client, world, factories, session):
    for i in range(30):
        factories.household(world.areas["V1"], code=f"API{i:03d}")
    session.commit()
    login(client, "giamsat")
    data = client.get("/api/v1/households?area=C1&per_page=10&page=2").get_json()
    assert data["total"] == 32 and data["pages"] == 4 and len(data["items"]) == 10
    assert {"code", "head_name", "ethnic_group", "village", "members", "statuses"} <= set(data["items"][0])


def test_audit_page_filters(client, world, session):
    login(client, "dieutra")
    client.post("/households/new", data=_form(csrf_token(client, "/households/new"), status=""))
    admin = client.application.test_client()
    login(admin, "admin")
    html = admin.get("/admin/audit?action=household.create").get_data(as_text=True)
    assert "HV1-002" in html and "<code>user.login</code>" not in html
    html = admin.get("/admin/audit?actor=nobody").get_data(as_text=True)
    assert "Không có mục nào" in html
