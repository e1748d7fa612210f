"""POST /api/v1/submissions and GET /api/v1/submissions/<uuid>: the happy paths with the campaign questionnaire
(forms/ho_gia_dinh.yaml), every refusal with its status, idempotency, CSRF and Bearer tokens."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_app.auth.service import issue_token
from survey_app.models import AuditEntry, Submission, SubmissionVersion, SurveyRound
from tests.conftest import csrf_token, login
from tests.support.surveys import (
    complete_household_answers,
    make_round,
    new_uuid,
    store_campaign_form,
    store_small_form,
)

URL = "/api/v1/submissions"


@pytest.fixture
def campaign_round(session, world):
    survey_round = make_round(session, store_campaign_form(session), code="RS2024", areas=("P",))
    session.commit()
    return survey_round


@pytest.fixture
def small_round(session, world):
    survey_round = make_round(session, store_small_form(session), code="THU", areas=("P",))
    session.commit()
    return survey_round


class Api:
    """A logged-in browser session that sends the CSRF header, as the web pages' fetch() calls do."""

    def __init__(self, client, username):
        login(client, username)
        self.client, self.token = client, csrf_token(client)

    def post(self, body, **kwargs):
        return self.client.post(URL, json=body, headers={"X-CSRFToken": self.token}, **kwargs)

    def get(self, uuid):
        return self.client.get(f"{URL}/{uuid}")


@pytest.fixture
def enumerator(client, world):
    return Api(client, "dieutra")


def campaign_body(uuid=None, *, answers=None, submit=True, household="HV1-001", round_code="RS2024",
                  form_version="2024.3"):
    return {"uuid": uuid or new_uuid(), "household": household, "round": round_code, "form_version": form_version,
            "answers": complete_household_answers() if answers is None else answers,
            "started_at": "2024-05-10T08:30:00+07:00", "finished_at": "2024-05-10T09:15:00+07:00", "submit": submit}


def small_body(answers, *, submit=False, uuid=None, household="HV1-001"):
    return {"uuid": uuid or new_uuid(), "household": household, "round": "THU", "form_version": "1",
            "answers": answers, "submit": submit}


def count(session, model):
    session.expire_all()
    return session.scalar(select(func.count(model.id)))


def actions(session, uuid):
    return [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.entity_id == uuid)
                                              .order_by(AuditEntry.id))]


# -- happy paths with the campaign questionnaire ---------------------------------------------------------------

def test_valid_draft_is_created(app, session, campaign_round, enumerator):
    partial = {"ngay_khao_sat": "2024-05-10", "nguoi_tra_loi": "Đinh Văn Ằm", "so_thanh_vien": 2}
    body = campaign_body(answers=partial, submit=False)
    response = enumerator.post(body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["duplicate"] is False and data["state"] == "draft" and data["state_label"] == "Bản nháp"
    assert data["uuid"] == body["uuid"] and data["household"] == "HV1-001" and data["round"] == "RS2024"
    assert data["form_version"] == "2024.3" and data["is_current"] is True and data["enumerator"] == "dieutra"
    assert len(data["answers"]["thanh_vien"]) == 2  # repeat_count made the rows
    assert data["started_at"].startswith("2024-05-10T01:30:00")  # stored in UTC
    assert data["source"] == "api" and data["submitted_at"] is None
    assert count(session, SubmissionVersion) == 0
    assert actions(session, body["uuid"]) == ["submission.create"]
    assert enumerator.get(body["uuid"]).get_json()["answers"] == data["answers"]


def test_valid_submit_stores_normalised_answers_and_version_one(app, session, campaign_round, enumerator):
    answers = complete_household_answers()
    answers["ten_htx"] = "Không hỏi vì hộ không tham gia HTX"  # irrelevant: dropped
    answers["thu_nhap_binh_quan_thang"] = "1.200.000"  # Vietnamese thousand groups
    body = campaign_body(answers=answers)
    response = enumerator.post(body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["state"] == "submitted" and data["version_number"] == 1 and data["submitted_at"]
    stored = data["answers"]
    assert "ten_htx" not in stored and stored["thu_nhap_binh_quan_thang"] == 1200000
    assert stored["so_tre_trong_do_tuoi_di_hoc"] == 1 and stored["so_nguoi_phu_thuoc"] == 1  # recomputed
    submission = session.scalar(select(Submission).where(Submission.uuid == body["uuid"]))
    assert [v.number for v in submission.versions] == [1]
    assert submission.versions[0].answers == stored and submission.village.code == "V1"
    assert actions(session, body["uuid"]) == ["submission.create", "submission.submit"]


def test_draft_then_submit_under_the_same_uuid(app, session, campaign_round, enumerator):
    uuid = new_uuid()
    assert enumerator.post(campaign_body(uuid, submit=False)).status_code == 201
    response = enumerator.post(campaign_body(uuid, submit=True))
    assert response.status_code == 201
    assert response.get_json()["state"] == "submitted" and response.get_json()["version_number"] == 1
    assert count(session, Submission) == 1 and count(session, SubmissionVersion) == 1
    assert actions(session, uuid) == ["submission.create", "submission.submit"]


def test_repeating_a_submission_is_a_duplicate_and_writes_nothing(app, session, campaign_round, enumerator):
    body = campaign_body()
    first = enumerator.post(body)
    audit_rows = count(session, AuditEntry)
    again = enumerator.post(body)
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True and again.get_json()["uuid"] == first.get_json()["uuid"]
    assert count(session, Submission) == 1 and count(session, AuditEntry) == audit_rows


def test_different_content_for_a_submitted_uuid_is_a_conflict(app, session, campaign_round, enumerator):
    body = campaign_body()
    enumerator.post(body)
    changed = campaign_body(body["uuid"])
    changed["answers"]["ghi_chu"] = "Sửa sau khi gửi"
    response = enumerator.post(changed)
    assert response.status_code == 409
    assert response.get_json()["message"].startswith("Phiếu đã được gửi; nội dung khác với bản đã nhận")
    assert "ghi_chu" not in enumerator.get(body["uuid"]).get_json()["answers"]


def test_a_uuid_reused_for_another_household_or_round_is_a_conflict(app, session, campaign_round, client):
    make_round(session, session.get(SurveyRound, campaign_round.id).questionnaire_version, code="XA_C1",
               areas=("C1",))
    session.commit()
    supervisor = Api(client, "giamsat")  # commune C1: both villages
    body = campaign_body(submit=False)
    assert supervisor.post(body).status_code == 201
    for other in (campaign_body(body["uuid"], submit=False, household="HV1B-001"),
                  campaign_body(body["uuid"], submit=False, round_code="XA_C1")):
        response = supervisor.post(other)
        assert response.status_code == 409 and "hộ hoặc một đợt khảo sát khác" in response.get_json()["message"]
    assert count(session, Submission) == 1


def test_returned_submission_resubmitted_becomes_version_two_edited(app, session, campaign_round, enumerator):
    body = campaign_body()
    enumerator.post(body)
    submission = session.scalar(select(Submission).where(Submission.uuid == body["uuid"]))
    submission.state = "has_issues"  # a supervisor returned it
    session.commit()

    corrected = campaign_body(body["uuid"], submit=False)
    corrected["answers"]["dien_tich_nha"] = 42
    draft = enumerator.post(corrected)
    assert draft.status_code == 201
    assert draft.get_json()["state"] == "has_issues" and draft.get_json()["version_number"] == 1

    corrected["submit"] = True
    response = enumerator.post(corrected)
    assert response.status_code == 201
    data = response.get_json()
    assert data["state"] == "edited" and data["version_number"] == 2 and data["answers"]["dien_tich_nha"] == 42
    session.expire_all()
    versions = session.scalar(select(Submission).where(Submission.uuid == body["uuid"])).versions
    assert [(v.number, v.answers["dien_tich_nha"]) for v in versions] == [(1, 36.5), (2, 42)]
    assert actions(session, body["uuid"])[-2:] == ["submission.update", "submission.resubmit"]


def test_second_submission_for_a_household_is_kept_not_current_and_flagged(app, session, campaign_round,
                                                                           enumerator):
    first = enumerator.post(campaign_body()).get_json()
    response = enumerator.post(campaign_body())
    assert response.status_code == 201
    data = response.get_json()
    assert data["is_current"] is False
    assert [f["code"] for f in data["flags"]] == ["duplicate_household"]
    assert "giám sát chọn phiếu được tính" in data["flags"][0]["message"]
    again = enumerator.get(first["uuid"]).get_json()
    assert again["is_current"] is True and [f["code"] for f in again["flags"]] == ["duplicate_household"]
    assert count(session, Submission) == 2


# -- answer validation (small fixture form) ---------------------------------------------------------------------

@pytest.mark.parametrize("answers, submit, path, message", [
    ({"so_nguoi": "ba"}, False, "so_nguoi", "Phải là số nguyên"),
    ({"so_nguoi": 45}, False, "so_nguoi", "Số người từ 1 đến 30"),
    ({"so_nguoi": 4}, True, "co_vay", 'Câu "Có vay vốn?" là bắt buộc, chưa được trả lời'),
    ({"so_nguoi": 4, "co_vay": "co_the"}, False, "co_vay", "co_the"),
], ids=["type", "constraint", "required_on_submit", "unknown_choice"])
def test_invalid_answers_are_refused_per_question(app, session, small_round, enumerator, answers, submit, path,
                                                  message):
    response = enumerator.post(small_body(answers, submit=submit))
    assert response.status_code == 422
    data = response.get_json()
    assert list(data["errors"]) == [path] and message in data["errors"][path]
    assert data["message"] == "Phiếu có 1 câu trả lời chưa hợp lệ."
    assert count(session, Submission) == 0


def test_a_draft_may_be_incomplete_and_irrelevant_answers_are_dropped(app, session, small_round, enumerator):
    response = enumerator.post(small_body({"co_vay": "khong", "so_tien": 5000000}))
    assert response.status_code == 201
    assert response.get_json()["answers"] == {"co_vay": "khong"}


# -- refusals -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("change, status, fragment", [
    ({"household": "KHONG-CO"}, 404, "KHONG-CO"),
    ({"household": "HV2-001"}, 404, "ngoài địa bàn"),
    ({"round": "KHONG-CO"}, 404, "KHONG-CO"),
    ({"form_version": "2023.9"}, 403, "2023.9"),
], ids=["unknown_household", "household_outside_area", "unknown_round", "wrong_form_version"])
def test_refusals_by_status(app, session, campaign_round, enumerator, change, status, fragment):
    response = enumerator.post({**campaign_body(), **change})
    assert response.status_code == status
    assert fragment in response.get_json()["message"]
    assert count(session, Submission) == 0


def test_viewer_may_not_save(app, session, campaign_round, client):
    response = Api(client, "lanhdao").post(campaign_body())
    assert response.status_code == 403 and "chỉ xem" in response.get_json()["message"]


def test_closed_round_refuses_new_submissions(app, session, campaign_round, enumerator):
    session.get(SurveyRound, campaign_round.id).is_open = False  # the fixture's object is detached by now
    session.commit()
    response = enumerator.post(campaign_body())
    assert response.status_code == 403 and "đã đóng" in response.get_json()["message"]
    assert count(session, Submission) == 0


def test_round_that_does_not_cover_the_village_refuses(app, session, world, enumerator):
    make_round(session, store_campaign_form(session), code="XA_C2", areas=("C2",))
    session.commit()
    response = enumerator.post(campaign_body(round_code="XA_C2"))
    assert response.status_code == 403 and "không bao gồm thôn" in response.get_json()["message"]


@pytest.mark.parametrize("body, key", [
    ({"household": "HV1-001", "round": "RS2024", "form_version": "2024.3", "answers": {}}, "uuid"),
    ({"uuid": "khong-phai-uuid", "household": "HV1-001", "round": "RS2024", "form_version": "2024.3",
      "answers": {}}, "uuid"),
    ({"uuid": new_uuid(), "household": "HV1-001", "round": "RS2024", "answers": {}}, "form_version"),
    ({"uuid": new_uuid(), "household": "HV1-001", "round": "RS2024", "form_version": "2024.3",
      "answers": ["co"]}, "answers"),
    ({"uuid": new_uuid(), "household": 17, "round": "RS2024", "form_version": "2024.3", "answers": {}},
     "household"),
    ({"uuid": new_uuid(), "household": "HV1-001", "round": "RS2024", "form_version": "2024.3", "answers": {},
      "submit": "yes"}, "submit"),
    ({"uuid": new_uuid(), "household": "HV1-001", "round": "RS2024", "form_version": "2024.3", "answers": {},
      "started_at": "hôm qua"}, "started_at"),
], ids=["missing_uuid", "bad_uuid", "missing_form_version", "answers_not_object", "household_not_text",
        "submit_not_bool", "bad_datetime"])
def test_malformed_requests_name_the_key(app, session, campaign_round, enumerator, body, key):
    response = enumerator.post(body)
    assert response.status_code == 422
    assert key in response.get_json()["errors"]


def test_body_that_is_not_a_json_object_is_refused(app, campaign_round, enumerator):
    response = enumerator.client.post(URL, data="{không phải json", content_type="application/json",
                                      headers={"X-CSRFToken": enumerator.token})
    assert response.status_code == 422 and "JSON" in response.get_json()["message"]


def test_session_post_without_csrf_header_is_refused(app, session, campaign_round, client):
    login(client, "dieutra")
    response = client.post(URL, json=campaign_body())
    assert response.status_code == 400 and "CSRF" in response.get_json()["message"]
    assert count(session, Submission) == 0


def test_bearer_token_needs_no_csrf(app, session, campaign_round, world):
    token = issue_token(session, world.users["dieutra"], label="máy tính bảng")
    session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = campaign_body()
    response = api.post(URL, json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert api.get(f"{URL}/{body['uuid']}", headers=headers).get_json()["state"] == "submitted"
    assert api.post(URL, json=body, headers={"Authorization": "Bearer svt_sai"}).status_code == 401


def test_get_is_limited_to_the_users_area(app, session, campaign_round, enumerator, world):
    uuid = enumerator.post(campaign_body()).get_json()["uuid"]
    other = app.test_client()
    login(other, "giamsat2")  # commune C2: HV1-001 is outside
    assert other.get(f"{URL}/{uuid}").status_code == 404
    reader = app.test_client()
    login(reader, "lanhdao")  # viewer of district D1 may read it
    assert reader.get(f"{URL}/{uuid}").get_json()["uuid"] == uuid
    assert enumerator.get("khong-phai-uuid").status_code == 404
