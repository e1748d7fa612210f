"""GET /api/v1/device/package: what the tablet holds for the enumerator's area, and the cursor that limits the
next package to what changed (docs/offline.md, "Đồng bộ / the sync API")."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from survey_app.core.clock import utc_now, vietnam_today
from survey_app.households.service import save_household
from survey_app.models import Household, Submission, SubmissionComment
from survey_app.submissions import add_comment
from survey_app.sync.cursor import SAFETY_MARGIN, cursor_for, parse_cursor
from tests.support.review import send, small_round
from tests.support.sync import PACKAGE, bearer, returned_submission
from tests.test_api_openapi import assert_matches


@pytest.fixture
def survey_round(session, world):
    survey_round = small_round(session)
    session.commit()
    return survey_round


def package(client, headers, since=None):
    response = client.get(PACKAGE, query_string={"since": since} if since else None, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert_matches(response, "/device/package")
    return response.get_json()


def age_everything(session, by=timedelta(hours=1)):
    """Move every stored change back in time, so that a cursor taken now lies after all of it."""
    past = utc_now() - by
    session.execute(update(Household).values(updated_at=past))
    session.execute(update(Submission).values(updated_at=past))
    session.execute(update(SubmissionComment).values(created_at=past))
    session.commit()


def test_the_full_package_holds_the_enumerators_area_only(client, session, world, survey_round):
    send(session, world.users["dieutra"], world.households["in"])
    send(session, world.users["giamsat2"], world.households["out"])
    session.commit()
    data = package(client, bearer(session, world.users["dieutra"]))
    assert data["full"] is True and data["removed"] == []
    assert data["today"] == vietnam_today().isoformat()
    assert data["user"] == {"id": world.users["dieutra"].id, "username": "dieutra", "full_name": "dieutra",
                            "role": "enumerator"}
    [entry] = data["rounds"]
    assert entry["code"] == "R2024" and entry["form_version"] == "1"
    assert entry["definition_url"] == f"/api/v1/questionnaires/{survey_round.questionnaire_version_id}/definition"
    assert "definition" not in entry
    assert [v["code"] for v in data["villages"]] == ["V1"]
    [household] = data["households"]
    assert household["code"] == "HV1-001" and household["statuses"] == {"2024": "ngheo"}
    state = household["rounds"]["R2024"]
    assert (state["state"], state["state_label"], state["version_number"], state["counted"]) == (
        "submitted", "Đã gửi", 1, False)  # the round counts approved submissions only
    assert data["state_labels"]["not_started"] == "Chưa khảo sát"
    assert {"code": "ba_na", "name": "Ba Na"} in data["ethnic_groups"]


def test_returned_submissions_come_with_their_answers_and_comments(client, session, world, survey_round):
    returned = returned_submission(session, world, "Số người chưa khớp sổ hộ khẩu.")
    [item] = package(client, bearer(session, world.users["dieutra"]))["returned"]
    assert (item["uuid"], item["household"], item["round"], item["version_number"]) == (
        returned.uuid, "HV1-001", "R2024", 1)
    assert item["answers"] == {"so_nguoi": 4, "co_vay": "khong"}
    assert [(c["body"], c["author"], c["to_state"]) for c in item["comments"]] == [
        ("Số người chưa khớp sổ hộ khẩu.", "giamsat", "has_issues")]


def test_drafts_saved_on_the_server_come_with_their_answers(client, session, world, survey_round):
    draft = send(session, world.users["dieutra"], world.households["in"], {"so_nguoi": 3}, submit=False)
    session.commit()
    body = package(client, bearer(session, world.users["dieutra"]))
    assert body["returned"] == []
    [item] = body["drafts"]
    assert (item["uuid"], item["household"], item["round"], item["answers"], item["position"]) == (
        draft.uuid, "HV1-001", "R2024", {"so_nguoi": 3}, "")


def test_village_labels_are_unique(client, session, world, factories, survey_round):
    factories.area("V2B", "Kon Tu Rằng 2", "thôn", world.areas["C2"])
    factories.area("V2C", "Kon Tu Rằng 2", "thôn", world.areas["C2"])
    session.commit()
    labels = {v["code"]: v["label"] for v in package(client, bearer(session, world.users["admin"]))["villages"]}
    assert labels["V1"] == "Kon Tu Rằng 2 (xã Măng Cành)"
    assert labels["V2B"] == "Kon Tu Rằng 2 (xã Đăk Man) – V2B" and labels["V2C"] == "Kon Tu Rằng 2 (xã Đăk Man) – V2C"
    assert labels["V1B"] == "Kon Chênh"
    assert len(set(labels.values())) == len(labels)


def test_since_a_cursor_only_what_changed_is_sent(client, session, world, survey_round):
    headers = bearer(session, world.users["giamsat"])
    own = send(session, world.users["dieutra"], world.households["in"])
    session.commit()
    assert {h["code"] for h in package(client, headers)["households"]} == {"HV1-001", "HV1B-001"}
    age_everything(session)
    cursor = package(client, headers)["cursor"]
    quiet = package(client, headers, cursor)
    assert (quiet["full"], quiet["households"], quiet["returned"], quiet["removed"]) == (False, [], [], [])
    assert [r["code"] for r in quiet["rounds"]] == ["R2024"]  # rounds and villages always come whole
    add_comment(session, world.users["giamsat"], session.get(Submission, own.id), "Hãy kiểm tra lại thu nhập.")
    session.commit()
    [changed] = package(client, headers, cursor)["households"]
    assert changed["code"] == "HV1-001"


def test_a_household_changed_or_newly_surveyed_since_the_cursor_is_sent(client, session, world, survey_round):
    headers = bearer(session, world.users["giamsat"])
    age_everything(session)
    cursor = package(client, headers)["cursor"]
    send(session, world.users["dieutra"], world.households["in"])
    household = session.get(Household, world.households["in_b"].id)
    save_household(session, session.merge(world.users["giamsat"]), household=household, code=household.code,
                   head_name="Y Nhung Mới", ethnic_group_code="ba_na", village=household.village, members=6)
    session.commit()
    delta = package(client, headers, cursor)
    assert {h["code"]: h["head_name"] for h in delta["households"]} == {"HV1-001": "Đinh Văn Ằm",
                                                                        "HV1B-001": "Y Nhung Mới"}
    assert delta["households"][0]["rounds"]["R2024"]["state"] == "submitted"


def test_a_household_moved_out_of_the_area_is_listed_as_removed(client, session, world, survey_round):
    headers = bearer(session, world.users["giamsat"])
    age_everything(session)
    cursor = package(client, headers)["cursor"]
    household = session.get(Household, world.households["in_b"].id)
    save_household(session, session.merge(world.users["admin"]), household=household, code=household.code,
                   head_name=household.head_name, ethnic_group_code="ba_na",
                   village=session.merge(world.areas["V2"]), members=4)
    session.commit()
    delta = package(client, headers, cursor)
    assert delta["removed"] == ["HV1B-001"] and delta["households"] == []
    assert package(client, bearer(session, world.users["giamsat2"]), cursor)["removed"] == []  # it arrived there


def test_a_returned_decision_since_the_cursor_brings_the_comment(client, session, world, survey_round):
    headers = bearer(session, world.users["dieutra"])
    own = send(session, world.users["dieutra"], world.households["in"])
    session.commit()
    age_everything(session)
    cursor = package(client, headers)["cursor"]
    from survey_app.submissions import decide

    decide(session, world.users["giamsat"], session.get(Submission, own.id), "has_issues", "Thiếu số điện thoại.")
    session.commit()
    delta = package(client, headers, cursor)
    assert delta["households"][0]["rounds"]["R2024"]["state"] == "has_issues"
    assert [c["body"] for c in delta["returned"][0]["comments"]] == ["Thiếu số điện thoại."]


@pytest.mark.parametrize("since", ["abc", "c1.zz", "c1." + "f" * 16, "1700000000"])
def test_a_bad_cursor_is_a_clear_400(client, session, world, survey_round, since):
    response = client.get(PACKAGE, query_string={"since": since}, headers=bearer(session, world.users["dieutra"]))
    problem = response.get_json()
    assert response.status_code == 400 and problem["errors"] == {"since": "Con trỏ không hợp lệ"}
    assert problem["message"].startswith("Tham số «since» không phải con trỏ đồng bộ")


def test_a_cursor_from_the_future_is_refused(client, session, world, survey_round):
    future = cursor_for(utc_now() + timedelta(days=1))
    response = client.get(PACKAGE, query_string={"since": future}, headers=bearer(session, world.users["dieutra"]))
    assert response.status_code == 400 and response.get_json()["errors"] == {"since": "Con trỏ ở thời điểm chưa tới"}


def test_the_cursor_is_monotonic_and_keeps_a_safety_margin():
    now = utc_now()
    earlier, later = cursor_for(now), cursor_for(now + timedelta(microseconds=1))
    assert parse_cursor(earlier, now) < parse_cursor(later, now + timedelta(seconds=1))
    assert parse_cursor(earlier, now) == now - SAFETY_MARGIN


def test_the_package_works_with_the_login_session_and_not_for_a_viewer(app, client, session, world, survey_round):
    from tests.conftest import login

    login(client, "dieutra")
    assert client.get(PACKAGE).status_code == 200
    viewer = bearer(session, world.users["lanhdao"])
    assert app.test_client().get(PACKAGE, headers=viewer).status_code == 403
