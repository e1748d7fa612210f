"""The outbox's side of POST /api/v1/submissions (docs/offline.md): households created on the device, edits of
returned submissions with their base version, and every refusal of the sync path with the status and the
Vietnamese message the enumerator will see."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.api.submissions import MAX_SUBMISSION_BYTES
from survey_app.models import AuditEntry, Household, Submission, SubmissionVersion
from survey_app.submissions import correct
from survey_app.surveys.rounds import set_round_open
from tests.support.review import small_round
from tests.support.surveys import new_uuid
from tests.support.sync import SUBMISSIONS, bearer, body, returned_submission
from tests.test_api_openapi import assert_matches


@pytest.fixture
def enumerator(session, world):
    small_round(session)
    return bearer(session, world.users["dieutra"])


def new_household(client_uuid=None, village="V1", **extra):
    return {"client_uuid": client_uuid or new_uuid(), "village": village, "head_name": "Y Hoa",
            "ethnic_group": "ba_na", "members": 5, "address": "Gần nhà văn hóa", **extra}


def refusal(response, status: int) -> dict:
    problem = response.get_json()
    assert response.status_code == status, problem
    assert set(problem) == {"status", "code", "message", "errors"} and problem["status"] == status
    return problem


# ---------------------------------------------------------------- households created on the device

def test_a_household_created_offline_gets_the_next_register_code_with_its_submission(client, session, enumerator):
    sent = body(None, new_household=new_household())
    response = client.post(SUBMISSIONS, json=sent, headers=enumerator)
    assert response.status_code == 201, response.get_json()
    assert_matches(response, "/submissions", "post")
    data = response.get_json()
    assert data["new_household"] == {"client_uuid": sent["new_household"]["client_uuid"], "code": "V1-0001",
                                     "created": True}
    assert data["household"] == "V1-0001" and data["state"] == "submitted"
    household = session.scalar(select(Household).where(Household.code == "V1-0001"))
    assert (household.head_name, household.ethnic_group_code, household.members, household.village.code,
            household.client_uuid) == ("Y Hoa", "ba_na", 5, "V1", sent["new_household"]["client_uuid"])
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "household.create")) == 1


def test_the_same_client_uuid_finds_the_same_household(client, session, enumerator):
    household = new_household()
    first = client.post(SUBMISSIONS, json=body(None, new_household=household), headers=enumerator)
    again = body(None, new_household=household)  # a second interview (another uuid) of the device's household
    second = client.post(SUBMISSIONS, json=again, headers=enumerator)
    assert first.status_code == second.status_code == 201
    assert second.get_json()["new_household"] == {**first.get_json()["new_household"], "created": False}
    assert session.scalar(select(func.count()).select_from(Household).where(Household.client_uuid.is_not(None))) == 1


def test_a_resent_new_household_submission_is_a_duplicate(client, session, enumerator):
    sent = body(None, new_household=new_household())
    assert client.post(SUBMISSIONS, json=sent, headers=enumerator).status_code == 201
    response = client.post(SUBMISSIONS, json=sent, headers=enumerator)
    assert response.status_code == 200 and response.get_json()["duplicate"] is True
    assert session.scalar(select(func.count()).select_from(Submission)) == 1


def test_the_village_may_be_named_by_its_id(client, session, world, enumerator):
    sent = body(None, new_household=new_household(village=world.areas["V1"].id))
    assert client.post(SUBMISSIONS, json=sent, headers=enumerator).get_json()["household"] == "V1-0001"


@pytest.mark.parametrize("village", ["V2", "KHONG-CO"])
def test_a_village_outside_the_area_or_unknown_is_a_404_and_nothing_is_created(client, session, enumerator, village):
    problem = refusal(client.post(SUBMISSIONS, json=body(None, new_household=new_household(village=village)),
                                  headers=enumerator), 404)
    assert f"Không tìm thấy thôn '{village}'" in problem["message"] and "new_household.village" in problem["errors"]
    assert session.scalar(select(func.count()).select_from(Household).where(Household.client_uuid.is_not(None))) == 0


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"client_uuid": "abc"}, "new_household.client_uuid", "UUID"),
    ({"head_name": ""}, "new_household.head_name", "khác rỗng"),
    ({"members": 0}, "new_household.members", "từ 1 đến 60"),
    ({"ethnic_group": None}, "new_household.ethnic_group", "Thiếu"),
])
def test_a_bad_new_household_names_its_field(client, enumerator, change, field, words):
    problem = refusal(client.post(SUBMISSIONS, json=body(None, new_household=new_household(**change)),
                                  headers=enumerator), 422)
    assert words in problem["errors"][field] and field in problem["message"]


def test_an_unknown_ethnic_group_or_bad_answers_leave_no_household(client, session, enumerator):
    problem = refusal(client.post(SUBMISSIONS, json=body(None, new_household=new_household(ethnic_group="xyz")),
                                  headers=enumerator), 422)
    assert "Dân tộc" in problem["message"]
    bad = body(None, new_household=new_household(), answers={"so_nguoi": "bốn"})
    refusal(client.post(SUBMISSIONS, json=bad, headers=enumerator), 422)
    assert session.scalar(select(func.count()).select_from(Household).where(Household.client_uuid.is_not(None))) == 0


def test_household_and_new_household_together_are_refused(client, enumerator):
    problem = refusal(client.post(SUBMISSIONS, json=body("HV1-001", new_household=new_household()),
                                  headers=enumerator), 422)
    assert "không gửi cả hai" in problem["errors"]["household"]


# ---------------------------------------------------------------- edits of returned submissions

def test_an_edit_of_the_returned_version_becomes_the_next_version(client, session, world, enumerator):
    returned = returned_submission(session, world)
    edit = body(uuid=returned.uuid, answers={"so_nguoi": 5, "co_vay": "khong"}, base_version=1)
    response = client.post(SUBMISSIONS, json=edit, headers=enumerator)
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["version_number"], response.get_json()["state"]) == (2, "edited")
    assert session.scalar(select(func.count()).select_from(SubmissionVersion)
                          .where(SubmissionVersion.submission_id == returned.id)) == 2
    again = client.post(SUBMISSIONS, json=edit, headers=enumerator)  # the outbox did not hear the 201
    assert again.status_code == 200 and again.get_json()["duplicate"] is True


def test_a_stale_base_version_is_a_409_with_the_servers_version(client, session, world, enumerator):
    returned = returned_submission(session, world)
    first = body(uuid=returned.uuid, answers={"so_nguoi": 5, "co_vay": "khong"}, base_version=1)
    assert client.post(SUBMISSIONS, json=first, headers=enumerator).status_code == 201
    other_tablet = body(uuid=returned.uuid, answers={"so_nguoi": 6, "co_vay": "khong"}, base_version=1)
    problem = refusal(client.post(SUBMISSIONS, json=other_tablet, headers=enumerator), 409)
    assert "đã sang phiên bản 2" in problem["message"] and "dựa trên phiên bản 1" in problem["message"]
    assert problem["errors"]["server_version"] == "2"


def test_an_edit_after_the_supervisors_correction_is_a_409_naming_it(client, session, world, enumerator):
    returned = returned_submission(session, world)
    client.post(SUBMISSIONS, json=body(uuid=returned.uuid, answers={"so_nguoi": 5, "co_vay": "khong"},
                                       base_version=1), headers=enumerator)
    session.expire_all()
    correct(session, world.users["giamsat"], session.get(Submission, returned.id), "so_nguoi", "7", "Sổ hộ khẩu",
            today="2024-06-01")
    session.commit()
    problem = refusal(client.post(SUBMISSIONS, json=body(uuid=returned.uuid, answers={"so_nguoi": 8, "co_vay": "co"},
                                                         base_version=2), headers=enumerator), 409)
    assert "phiên bản 3 (giám sát đã sửa phiếu)" in problem["message"]


def test_a_base_version_of_a_submission_the_server_never_had_is_a_404(client, enumerator):
    problem = refusal(client.post(SUBMISSIONS, json=body(base_version=1), headers=enumerator), 404)
    assert "Không có phiếu này trên máy chủ" in problem["message"]


@pytest.mark.parametrize("value", [0, "1", True, 1.5])
def test_a_base_version_that_is_not_a_version_number_is_a_422(client, enumerator, value):
    problem = refusal(client.post(SUBMISSIONS, json=body(base_version=value), headers=enumerator), 422)
    assert "base_version" in problem["errors"]


# ---------------------------------------------------------------- every refusal of the sync path

def test_same_uuid_same_content_is_200_other_content_409(client, enumerator):
    sent = body()
    assert client.post(SUBMISSIONS, json=sent, headers=enumerator).status_code == 201
    assert client.post(SUBMISSIONS, json=sent, headers=enumerator).status_code == 200
    problem = refusal(client.post(SUBMISSIONS, json={**sent, "answers": {"so_nguoi": 9, "co_vay": "khong"}},
                                  headers=enumerator), 409)
    assert "Không thể ghi đè phiếu đã gửi" in problem["message"]


def test_bad_json_is_refused_in_the_one_shape(client, enumerator):
    broken = client.post(SUBMISSIONS, data=b'{"uuid": ', headers={**enumerator, "Content-Type": "application/json"})
    assert refusal(broken, 422)["message"] == "Nội dung gửi lên phải là một đối tượng JSON."
    assert refusal(client.post(SUBMISSIONS, json=[1, 2], headers=enumerator), 422)["errors"] == {
        "body": "Phải là một đối tượng JSON"}
    too_deep = client.post(SUBMISSIONS, data=b"[" * 100 + b"]" * 100,
                           headers={**enumerator, "Content-Type": "application/json"})
    assert refusal(too_deep, 400)["message"].startswith("Nội dung JSON không đọc được hoặc lồng quá sâu")


def test_an_unknown_household_is_a_404(client, enumerator):
    problem = refusal(client.post(SUBMISSIONS, json=body("KHONG-CO"), headers=enumerator), 404)
    assert "Không tìm thấy hộ mã 'KHONG-CO'" in problem["message"]


def test_a_household_outside_the_users_area_is_a_404_like_an_unknown_one(client, enumerator):
    problem = refusal(client.post(SUBMISSIONS, json=body("HV2-001"), headers=enumerator), 404)
    assert "nằm ngoài địa bàn của bạn" in problem["message"]


def test_a_wrong_round_is_a_404_and_a_closed_round_a_403(client, session, world, enumerator):
    assert "Không có đợt khảo sát mã 'KHONG'" in refusal(
        client.post(SUBMISSIONS, json=body(round_code="KHONG"), headers=enumerator), 404)["message"]
    survey_round = small_round(session, code="R2023")
    set_round_open(session, None, survey_round, False, actor="test")
    session.commit()
    problem = refusal(client.post(SUBMISSIONS, json=body(round_code="R2023"), headers=enumerator), 403)
    assert problem["message"] == "Đợt khảo sát R2023 đã đóng, không nhận phiếu mới hay sửa phiếu."


def test_an_oversized_body_is_a_413_naming_the_limit(app, client, enumerator, monkeypatch):
    assert MAX_SUBMISSION_BYTES == 16 * 1024 * 1024 and "MAX_SUBMISSION_BYTES" not in app.config  # the default
    monkeypatch.setitem(app.config, "MAX_SUBMISSION_BYTES", 64 * 1024)
    huge = body(answers={"so_nguoi": 4, "co_vay": "khong", "ghi_chu": "x" * (64 * 1024)})
    problem = refusal(client.post(SUBMISSIONS, json=huge, headers=enumerator), 413)
    assert problem["code"] == "too_large" and problem["message"].startswith("Phiếu gửi lên quá lớn")
    assert "tối đa 65.536 byte" in problem["message"] and problem["errors"] == {"body": "Tối đa 65.536 byte"}
