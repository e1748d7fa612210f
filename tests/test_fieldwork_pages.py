"""The enumerator's pages: the home list, the questionnaire page (rendering, drafts, submission, errors), access
and the new-household flow. The browser runtime is tested in test_fieldwork_browser.py."""
from __future__ import annotations

import json
import re
import uuid

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey_app.models import AuditEntry, Household, Submission, SubmissionComment
from survey_app.submissions import SubmissionPayload, save_submission
from tests.conftest import csrf_from, login
from tests.support.fieldwork import ROUND_CODE, complete_answers, form_post

FORM_URL = f"/fieldwork/{ROUND_CODE}/HV1-001"


def open_form(client, url=FORM_URL):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    html = response.get_data(as_text=True)
    submission_uuid = re.search(r'name="submission-uuid" value="([^"]+)"', html).group(1)
    return html, submission_uuid


def post_form(client, answers, *, action="draft", url=FORM_URL, extra=()):
    html, submission_uuid = open_form(client, url)
    data = MultiDict([("csrf_token", csrf_from(html)), ("submission-uuid", submission_uuid),
                      ("submission-started", "2025-03-10T08:00:00+07:00"), ("submission-form-version", "2024.3"),
                      ("submission-action", action)] + form_post(answers) + list(extra))
    return client.post(url, data=data), submission_uuid


def save(session, user, household_code, answers, *, submit):
    payload = SubmissionPayload(uuid=str(uuid.uuid4()), household_code=household_code, round_code=ROUND_CODE,
                                form_version=None, answers=answers, submit=submit)
    return save_submission(session, user, payload, today="2025-06-01").submission


# -- home ----------------------------------------------------------------------------------------------------

def test_enumerator_lands_on_fieldwork_home(client, campaign):
    login(client, "dieutra")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/fieldwork/")


def test_home_lists_states_returned_first_and_only_the_users_area(client, campaign, session, world, factories):
    village = world.areas["V1"]
    factories.household(village, code="HV1-002", head_name="Y Blúp")
    factories.household(village, code="HV1-003", head_name="A Thưn")
    enumerator = world.users["dieutra"]
    save(session, enumerator, "HV1-001", {"nguoi_tra_loi": "Đinh Văn Ằm"}, submit=False)
    returned = save(session, enumerator, "HV1-003", complete_answers(), submit=True)
    returned.state = "has_issues"
    session.add(SubmissionComment(submission=returned, author=world.users["giamsat"], body="Tuổi con thứ hai chưa đúng",
                                  from_state="submitted", to_state="has_issues"))
    session.commit()

    login(client, "dieutra")
    html = client.get("/fieldwork/").get_data(as_text=True)
    codes = re.findall(r'data-household="([^"]+)"', html)
    assert codes == ["HV1-003", "HV1-001", "HV1-002"]  # returned first, then by code
    assert "HV1B-001" not in html and "HV2-001" not in html
    cards = dict(zip(codes, html.split('data-household="')[1:]))
    assert "Bị trả lại" in cards["HV1-003"] and "Tuổi con thứ hai chưa đúng" in cards["HV1-003"]
    assert "Sửa và gửi lại" in cards["HV1-003"]
    assert "Bản nháp" in cards["HV1-001"] and "Tiếp tục" in cards["HV1-001"]
    assert "Chưa khảo sát" in cards["HV1-002"] and ">Khảo sát</a>" in cards["HV1-002"]

    searched = client.get("/fieldwork/?q=blúp").get_data(as_text=True)
    assert re.findall(r'data-household="([^"]+)"', searched) == ["HV1-002"]


def test_home_of_a_supervisor_covers_the_commune_and_a_viewer_is_refused(app, campaign):
    supervisor = app.test_client()
    login(supervisor, "giamsat")
    codes = re.findall(r'data-household="([^"]+)"', supervisor.get("/fieldwork/").get_data(as_text=True))
    assert codes == ["HV1-001", "HV1B-001"]
    viewer = app.test_client()
    login(viewer, "lanhdao")
    assert viewer.get("/fieldwork/").status_code == 403
    assert viewer.get(FORM_URL).status_code == 403


def test_home_without_open_round_says_so(client, world):
    login(client, "dieutra")
    html = client.get("/fieldwork/").get_data(as_text=True)
    assert "Chưa có đợt khảo sát nào đang mở" in html


# -- the questionnaire page ------------------------------------------------------------------------------------

def test_form_renders_every_question_type_of_the_campaign(client, campaign):
    login(client, "dieutra")
    html, submission_uuid = open_form(client)
    assert uuid.UUID(submission_uuid).version == 4
    assert "Đinh Văn Ằm" in html and "Kon Tu Rằng 2" in html and "Hộ nghèo (2024)" in html
    assert len(re.findall(r'<section class="form-section"', html)) == 8
    assert re.search(r'<input[^>]*inputmode="numeric"[^>]*name="so_thanh_vien"', html)
    assert re.search(r'<input[^>]*inputmode="decimal"[^>]*name="dien_tich_nha"', html)
    date_input = re.search(r'<input[^>]*name="ngay_khao_sat"[^>]*>', html).group(0)  # dd/mm/yyyy, not type=date
    assert 'type="text"' in date_input and 'placeholder="dd/mm/yyyy"' in date_input and "data-date" in date_input
    assert re.search(r'<input[^>]*name="khu_vuc"[^>]*type="radio"[^>]*value="nong_thon"', html)
    assert re.search(r'<input[^>]*name="tai_san"[^>]*type="checkbox"[^>]*value="ti_vi"', html)
    assert "Kiểm tra lại họ tên chủ hộ trước khi hỏi" in html  # note
    assert 'data-calc="dien_tich_binh_quan"' in html  # calculation shown read-only
    assert 'name="thanh_vien-__index__-tuoi"' in html  # repeat row template for the browser
    assert 'data-row-template="thanh_vien"' in html and "Số nhân khẩu của hộ" in html
    assert '<span class="ref" data-ref="so_tre_trong_do_tuoi_di_hoc">' in html  # ${} in a hint
    assert "Lưu nháp" in html and "Gửi phiếu" in html and "Phần 1/8" in html
    definition = re.search(r'<script type="application/json" id="form-definition">(.*?)</script>', html, re.S)
    compiled = json.loads(definition.group(1))
    assert compiled["form_id"] == "ho_gia_dinh" and compiled["evaluation_order"][0] == "thong_tin_chung"
    assert compiled == campaign.questionnaire_version.compiled


def test_draft_with_missing_required_answers_is_saved_and_resumed(client, campaign, session):
    login(client, "dieutra")
    response, submission_uuid = post_form(client, {"ngay_khao_sat": "2025-03-10", "so_thanh_vien": "1",
                                                   "dien_tich_nha": "45,5"})
    assert response.status_code == 302
    assert f"saved={submission_uuid}" in response.headers["Location"]
    submission = session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
    assert submission.state == "draft"
    assert submission.answers["ngay_khao_sat"] == "2025-03-10" and submission.answers["dien_tich_nha"] == 45.5
    assert [set(row) for row in submission.answers["thanh_vien"]] == [{"la_tre_bo_hoc"}]  # a row, no answers yet
    assert submission.started_at is not None

    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã lưu nháp phiếu hộ HV1-001" in home and f'data-uuid="{submission_uuid}"' in home
    html, resumed_uuid = open_form(client)
    assert resumed_uuid == submission_uuid
    assert 'value="10/03/2025"' in html and 'value="45,5"' in html and 'name="thanh_vien-0-ho_ten"' in html


def test_submit_with_an_error_answers_422_with_the_message_next_to_the_question(client, campaign, session):
    login(client, "dieutra")
    answers = complete_answers()
    answers["thanh_vien"][1]["tuoi"] = 130
    response, submission_uuid = post_form(client, answers, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    block = html.split('id="q-thanh_vien-1-tuoi"', 1)[1].split('class="q ', 1)[0]
    assert "Tuổi phải từ 0 đến 120" in block and 'value="130"' in block
    assert 'data-start-section="thanh_vien_ho"' in html and 'data-submit-attempted="1"' in html
    assert 'value="Đinh Văn Ằm"' in html  # answers kept
    assert f'name="submission-uuid" value="{submission_uuid}"' in html
    assert "Thành viên hộ 2 — Tuổi (tròn năm)" in html  # the summary names the place
    assert session.scalar(select(Submission)) is None


def test_submit_without_required_answers_lists_them(client, campaign, session):
    login(client, "dieutra")
    response, _ = post_form(client, {"ngay_khao_sat": "2025-03-10"}, action="submit")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    block = html.split('id="q-nguoi_tra_loi"', 1)[1].split('class="q ', 1)[0]
    assert "Câu &#34;Họ và tên người trả lời phỏng vấn&#34; là bắt buộc, chưa được trả lời" in block
    assert 'data-start-section="thong_tin_chung"' in html


def test_complete_submission_is_stored_and_irrelevant_answers_are_dropped(client, campaign, session):
    login(client, "dieutra")
    answers = complete_answers()
    answers["vay_von_san_xuat"] = "khong"  # nguon_von_vay no longer applies
    extra = [("hinh_thuc_khac", "Qua loa xã"), ("thanh_vien-0-di_mau_giao", "co")]  # both do not apply
    response, submission_uuid = post_form(client, answers, action="submit", extra=extra)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    submission = session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
    assert submission.state == "submitted" and submission.source == "web" and submission.finished_at is not None
    stored = submission.answers
    assert "nguon_von_vay" not in stored and "hinh_thuc_khac" not in stored
    assert "di_mau_giao" not in stored["thanh_vien"][0]
    assert stored["thanh_vien"][1]["tuoi"] == 9 and stored["dien_tich_binh_quan"] == 20
    assert stored["so_tre_trong_do_tuoi_di_hoc"] == 1
    assert "Đã gửi phiếu hộ HV1-001" in client.get("/fieldwork/").get_data(as_text=True)

    html, _ = open_form(client)  # sent: shown read-only
    assert '<fieldset class="form-body" disabled>' in html and 'value="submit"' not in html
    again, _ = post_form(client, {**answers, "ghi_chu": "sửa"}, action="submit")
    assert again.status_code == 409 and "Không thể ghi đè phiếu đã gửi" in again.get_data(as_text=True)


def test_returned_submission_shows_the_comment_and_is_sent_again(client, campaign, session, world):
    submission = save(session, world.users["dieutra"], "HV1-001", complete_answers(), submit=True)
    submission.state = "has_issues"
    session.add(SubmissionComment(submission=submission, author=world.users["giamsat"], body="Kiểm tra lại diện tích",
                                  from_state="submitted", to_state="has_issues"))
    session.commit()
    login(client, "dieutra")
    html, submission_uuid = open_form(client)
    assert "Kiểm tra lại diện tích" in html and submission_uuid == submission.uuid
    response, _ = post_form(client, {**complete_answers(), "dien_tich_nha": "50"}, action="submit")
    assert response.status_code == 302
    resent = session.scalar(select(Submission).where(Submission.uuid == submission_uuid))
    assert resent.state == "edited" and resent.answers["dien_tich_nha"] == 50
    assert "Đã gửi lại phiếu đã sửa" in client.get("/fieldwork/").get_data(as_text=True)


def test_households_outside_the_area_or_the_round_answer_404(client, campaign, session, world):
    from tests.support.fieldwork import make_campaign_round

    login(client, "dieutra")
    assert client.get(f"/fieldwork/{ROUND_CODE}/HV2-001").status_code == 404
    assert client.get(f"/fieldwork/{ROUND_CODE}/HV1B-001").status_code == 404
    assert client.get(f"/fieldwork/{ROUND_CODE}/KHONG-CO").status_code == 404
    assert client.get("/fieldwork/KHONG-CO/HV1-001").status_code == 404
    make_campaign_round(session, code="KS-D2", area_codes=("D2",))
    session.commit()
    assert client.get("/fieldwork/KS-D2/HV1-001").status_code == 404
    assert client.get("/fieldwork/?round=KS-D2").status_code == 404


def test_post_without_csrf_is_refused(client, campaign, session):
    login(client, "dieutra")
    response = client.post(FORM_URL, data={"submission-action": "draft", "ngay_khao_sat": "2025-03-10"})
    assert response.status_code == 400
    assert session.scalar(select(Submission)) is None


# -- a household met in the field ------------------------------------------------------------------------------

def test_new_household_is_created_and_its_questionnaire_opens(client, campaign, session, world):
    login(client, "dieutra")
    url = f"/fieldwork/new-household?round={ROUND_CODE}"
    html = client.get(url).get_data(as_text=True)
    assert 'value="V1"' in html and 'value="V2"' not in html and "V1-0001" in html  # suggested code
    response = client.post(url, data={"csrf_token": csrf_from(html), "village": "V1", "code": "",
                                      "head_name": "  Y  Nhiên ", "ethnic_group": "ba_na", "members": "3"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/fieldwork/{ROUND_CODE}/V1-0001")
    household = session.scalar(select(Household).where(Household.code == "V1-0001"))
    assert household.head_name == "Y Nhiên" and household.village.code == "V1" and household.members == 3
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "household.create")) is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Y Nhiên" in page and "Đã thêm hộ V1-0001" in page
    assert "V1-0002" in client.get(url).get_data(as_text=True)  # the next suggestion


def test_new_household_errors_are_vietnamese(client, campaign, session):
    login(client, "dieutra")
    url = f"/fieldwork/new-household?round={ROUND_CODE}"
    token = csrf_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "village": "V2", "code": "HV1-001", "head_name": "",
                                      "ethnic_group": "ba_na", "members": "ba"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Trường này bắt buộc." in html and "Phải là số nguyên." in html
    response = client.post(url, data={"csrf_token": token, "village": "V2", "code": "", "head_name": "Y Nhiên",
                                      "ethnic_group": "ba_na", "members": "2"})
    assert response.status_code == 422 and "nằm ngoài địa bàn của bạn" in response.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": token, "village": "V1", "code": "HV1-001", "head_name": "Y Nhiên",
                                      "ethnic_group": "ba_na", "members": "2"})
    assert response.status_code == 422 and "đã được dùng cho hộ khác" in response.get_data(as_text=True)
    assert session.scalar(select(Household).where(Household.head_name == "Y Nhiên")) is None


def test_new_household_needs_an_editing_role(app, campaign):
    viewer = app.test_client()
    login(viewer, "lanhdao")
    assert viewer.get(f"/fieldwork/new-household?round={ROUND_CODE}").status_code == 403
