"""Findings on scope: open redirects after creating a household and after bulk approval; a district admin reading
the province's audit log and setting the round-wide target; enumerators rewriting the official poverty status;
a household moved to another area staying reachable from its old supervisor's review pages."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.errors import Forbidden, NotFound
from survey_app.households.service import save_household
from survey_app.inputs import safe_next
from survey_app.models import AuditEntry, Household, SurveyRound
from survey_app.reports.targets import set_target
from tests.conftest import csrf_token, login
from tests.support.review import ROUND, send, small_round

EVIL = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1"]


def test_safe_next_keeps_only_local_paths():
    assert [safe_next(t, "/home") for t in EVIL] == ["/home"] * len(EVIL)
    assert safe_next("/review/?page=2", "/home") == "/review/?page=2"


@pytest.mark.parametrize("target", EVIL[:3])
def test_open_redirect_after_creating_a_household(client, world, target):
    login(client, "giamsat")
    token = csrf_token(client, "/households/new")
    response = client.post("/households/new", query_string={"next": target}, data={
        "csrf_token": token, "code": "NEW-1", "head_name": "Y Lan", "ethnic_group": "ba_na", "village": "V1",
        "members": "3", "address": ""})
    assert response.status_code == 302
    assert response.headers["Location"] == "/households/NEW-1"


@pytest.mark.parametrize("target", EVIL[:3])
def test_open_redirect_after_bulk_approval(client, world, target):
    login(client, "giamsat")
    token = csrf_token(client, "/review/")
    response = client.post("/review/bulk-approve", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/review/"


def test_district_admin_reads_only_their_area_in_the_audit_log(client, world, session, factories):
    factories.user("quantri_d1", "admin", "D1")
    for household in (world.households["in"], world.households["out"]):
        save_household(session, world.users["admin"], household=household, code=household.code,
                       head_name=household.head_name + " A", ethnic_group_code=household.ethnic_group_code,
                       village=household.village, members=household.members)
    session.commit()
    login(client, "quantri_d1")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "HV1-001" in html and "HV2-001" not in html
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "HV1-001" in html and "HV2-001" in html


def test_district_admin_sets_the_round_wide_default_target(world, session, factories):
    small_round(session)
    district = factories.user("quantri_d1", "admin", "D1")
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == ROUND))
    with pytest.raises(Forbidden):
        set_target(session, survey_round, "o", None, ">=", 10, user=district)
    with pytest.raises(NotFound):
        set_target(session, survey_round, "o", world.areas["D2"], ">=", 10, user=district)
    assert set_target(session, survey_round, "o", world.areas["D1"], ">=", 10, user=district).area_id
    assert set_target(session, survey_round, "o", None, ">=", 20, user=world.users["admin"]).area_id is None


def test_enumerators_rewrite_the_official_poverty_status(client, world, session):
    login(client, "dieutra")
    assert 'name="status"' not in client.get("/households/HV1-001/edit").get_data(as_text=True)
    household = session.scalar(select(Household).where(Household.code == "HV1-001"))

    def save(username, **changes):
        fields = {"code": household.code, "head_name": household.head_name, "members": household.members,
                  "ethnic_group_code": household.ethnic_group_code, "village": household.village, **changes}
        return save_household(session, session.merge(world.users[username]), household=household, **fields)

    with pytest.raises(Forbidden):
        save("dieutra", statuses={2024: "khong_ngheo"})
    assert household.status_for(2024) == "ngheo"
    assert save("giamsat", statuses={2024: "khong_ngheo"}).status_for(2024) == "khong_ngheo"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "household.official_status"))
    assert (entry.before, entry.after, entry.actor) == ({"2024": "ngheo"}, {"2024": "khong_ngheo"}, "giamsat")
    same = save("dieutra", head_name="Đinh Văn Ằm B", statuses={2024: "khong_ngheo"})
    assert same.head_name == "Đinh Văn Ằm B"  # an unchanged status is no change of the commune's decision


def test_household_moved_to_another_area_leaves_its_old_supervisors_review_pages(client, world, session):
    small_round(session)
    uuid = send(session, world.users["dieutra"], world.households["in"]).uuid
    household = session.scalar(select(Household).where(Household.code == "HV1-001"))
    household.village_id = world.areas["V2"].id
    session.commit()
    login(client, "giamsat")
    assert client.get(f"/review/{uuid}").status_code == 404
    assert uuid not in client.get("/review/?state=all").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, "giamsat2")
    assert client.get(f"/review/{uuid}").status_code == 200
