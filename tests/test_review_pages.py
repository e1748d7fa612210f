"""Review pages: the area-limited queue and its filters, the submission page (answers by section, previous round,
stored classification), decisions and comments by form, corrections, versions and the diff."""
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_app.models import AuditEntry
from survey_app.results.rulesets import assign_ruleset, load_directory
from survey_app.results.store import store_score
from survey_app.submissions import decide
from survey_app.surveys.rounds import create_round
from tests.conftest import csrf_token, login
from tests.support.review import send, small_round
from tests.support.surveys import complete_household_answers, make_round, store_campaign_form

RULESETS = Path(__file__).resolve().parent.parent / "forms" / "rulesets" / "cuoc_van_dong.yaml"


@pytest.fixture
def queue_world(world, session):
    small_round(session)
    own = send(session, world.users["dieutra"], world.households["in"])
    other = send(session, world.users["giamsat2"], world.households["out"])
    session.commit()
    return own, other


def test_queue_lists_only_the_supervisors_area(app, client, queue_world):
    own, other = queue_world
    login(client, "giamsat")
    html = client.get("/review/").get_data(as_text=True)
    assert own.uuid in html and other.uuid not in html
    assert "HV1-001" in html and "HV2-001" not in html
    admin = app.test_client()
    login(admin, "admin")
    html = admin.get("/review/").get_data(as_text=True)
    assert own.uuid in html and other.uuid in html


def test_other_commune_is_404_by_url_and_filter(client, queue_world):
    own, other = queue_world
    login(client, "giamsat")
    assert client.get(f"/review/{other.uuid}").status_code == 404
    assert client.get(f"/review/{other.uuid}/diff").status_code == 404
    assert client.get("/review/?area=C2").status_code == 404
    token = csrf_token(client, "/review/")
    response = client.post(f"/review/{other.uuid}/decision", data={"state": "approved", "csrf_token": token})
    assert response.status_code == 404
    response = client.post("/review/bulk-approve", data={"uuid": [other.uuid], "csrf_token": token})
    assert response.status_code == 200 and "ngoài địa bàn" in response.get_data(as_text=True)
    response = client.post("/review/bulk-approve/confirm", data={"uuid": [other.uuid], "csrf_token": token})
    assert response.status_code == 302
    assert other.state == "submitted"


def test_roles(app, queue_world):
    own, _ = queue_world
    for username in ("dieutra", "lanhdao"):
        client = app.test_client()
        login(client, username)
        assert client.get("/review/").status_code == 403
        assert client.get(f"/review/{own.uuid}").status_code == 403


def test_filters(client, session, world, queue_world):
    own, _ = queue_world
    second = send(session, world.users["giamsat"], world.households["in_b"])
    second.flags = [{"code": "fast_completion", "message": "Nhanh"}]
    decide(session, world.users["giamsat"], own, "approved")
    session.commit()
    login(client, "giamsat")
    default = client.get("/review/").get_data(as_text=True)  # to review: submitted and edited
    assert second.uuid in default and own.uuid not in default
    approved = client.get("/review/?state=approved").get_data(as_text=True)
    assert own.uuid in approved and second.uuid not in approved
    flagged = client.get("/review/?state=all&flag=fast_completion").get_data(as_text=True)
    assert second.uuid in flagged and own.uuid not in flagged
    clean = client.get("/review/?state=all&flag=none").get_data(as_text=True)
    assert own.uuid in clean and second.uuid not in clean
    by_village = client.get("/review/?state=all&area=V1B").get_data(as_text=True)
    assert second.uuid in by_village and own.uuid not in by_village
    by_enumerator = client.get("/review/?state=all&enumerator=dieutra").get_data(as_text=True)
    assert own.uuid in by_enumerator and second.uuid not in by_enumerator
    assert client.get("/review/?state=khong_co").status_code == 404


def test_decision_by_form_and_the_returned_comment_in_the_thread(client, session, queue_world):
    own, _ = queue_world
    login(client, "giamsat")
    token = csrf_token(client, f"/review/{own.uuid}")
    refused = client.post(f"/review/{own.uuid}/decision", data={"state": "has_issues", "comment": "",
                                                               "csrf_token": token})
    assert refused.status_code == 422
    assert "phải kèm nhận xét" in refused.get_data(as_text=True)
    done = client.post(f"/review/{own.uuid}/decision", data={"state": "has_issues", "comment": "Thiếu số tiền vay",
                                                            "csrf_token": token})
    assert done.status_code == 302
    page = client.get(f"/review/{own.uuid}").get_data(as_text=True)
    assert "Thiếu số tiền vay" in page and "Bị trả lại" in page
    illegal = client.post(f"/review/{own.uuid}/decision", data={"state": "approved", "csrf_token": token})
    assert illegal.status_code == 409
    session.expire_all()
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "submission.review")).all()
    assert len(entries) == 1 and entries[0].after["comment"] == "Thiếu số tiền vay"


def test_plain_comment_by_form(client, queue_world):
    own, _ = queue_world
    login(client, "giamsat")
    token = csrf_token(client, f"/review/{own.uuid}")
    response = client.post(f"/review/{own.uuid}/comments", data={"body": "Hỏi lại hộ", "csrf_token": token})
    assert response.status_code == 302
    assert "Hỏi lại hộ" in client.get(f"/review/{own.uuid}").get_data(as_text=True)
    assert client.put(f"/review/{own.uuid}/comments").status_code == 405


def test_submission_page_shows_labels_by_section(client, session, queue_world):
    own, _ = queue_world
    login(client, "giamsat")
    html = client.get(f"/review/{own.uuid}").get_data(as_text=True)
    assert "Chung" in html and "Có vay vốn?" in html and "Không" in html
    assert "Số tiền vay" not in html  # did not apply (co_vay = khong)
    assert "Chưa có kết quả chấm điểm" in html


def test_correction_versions_and_diff_pages(client, session, queue_world):
    own, _ = queue_world
    login(client, "giamsat")
    form = client.get(f"/review/{own.uuid}/correct?path=so_nguoi")
    assert form.status_code == 200 and "Lý do sửa" in form.get_data(as_text=True)
    token = csrf_token(client, f"/review/{own.uuid}")
    missing = client.post(f"/review/{own.uuid}/correct", data={"path": "so_nguoi", "value": "5", "reason": "",
                                                              "csrf_token": token})
    assert missing.status_code == 422 and "phải ghi lý do" in missing.get_data(as_text=True)
    done = client.post(f"/review/{own.uuid}/correct", data={"path": "so_nguoi", "value": "5",
                                                           "reason": "Gõ nhầm", "csrf_token": token})
    assert done.status_code == 302
    old = client.get(f"/review/{own.uuid}/versions/1").get_data(as_text=True)
    assert "Phiên bản 1" in old and ">4<" in old
    diff = client.get(f"/review/{own.uuid}/diff?from=1&to=2").get_data(as_text=True)
    assert "Số người" in diff and ">4<" in diff and ">5<" in diff
    assert client.get(f"/review/{own.uuid}/versions/9").status_code == 404
    assert client.get(f"/review/{own.uuid}/diff?from=1&to=9").status_code == 404
    assert client.get(f"/review/{own.uuid}/correct?path=khong_co").status_code == 404


def test_previous_round_side_by_side_and_stored_outcome(client, session, world):
    qv = store_campaign_form(session)
    before = create_round(session, None, "R2023", "Đợt 2023", qv, date(2023, 1, 1), date(2023, 12, 31), ["P"],
                          "ra_soat", actor="test")
    current = make_round(session, qv, "R2024", ("P",))
    [load] = load_directory(session, RULESETS, actor="test")
    assign_ruleset(session, current, load.version, actor="test")
    old_answers = complete_household_answers()
    old_answers["thu_nhap_binh_quan_thang"] = 900000
    send(session, world.users["dieutra"], world.households["in"], old_answers, round_code=before.code)
    now = send(session, world.users["dieutra"], world.households["in"], complete_household_answers(),
               round_code=current.code)
    store_score(session, now)
    session.commit()
    login(client, "giamsat")
    html = client.get(f"/review/{now.uuid}").get_data(as_text=True)
    assert "so với Đợt 2023" in html
    assert "900.000" in html and "1.200.000" in html
    assert "Phân loại:" in html and ("Đạt" in html or "Không đạt" in html)
    assert "I. Thông tin chung" in html and "Thành viên hộ 1" in html


def test_queue_states_the_rounds_counting_rule(client, session, queue_world):
    from survey_app.models import SurveyRound
    from survey_app.surveys.rounds import update_round

    login(client, "giamsat")
    assert "chỉ tính phiếu đã duyệt" in client.get("/review/").get_data(as_text=True)
    survey_round = session.scalar(select(SurveyRound))
    update_round(session, None, survey_round, name=survey_round.name, period_start=survey_round.period_start,
                 period_end=survey_round.period_end, area_codes=["P"], is_open=True, count_only_approved=False,
                 actor="test")
    session.commit()
    assert "tính mọi phiếu đã gửi" in client.get("/review/").get_data(as_text=True)
