"""Bulk approval in two steps (a confirmation page that changes nothing, then the approval) and its undo
("Hoàn tác"): only by the supervisor who approved, within the window, while the bulk approval still stands."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from survey_app.core import review_states
from survey_app.core.clock import utc_now
from survey_app.models import AuditEntry, Submission
from survey_app.submissions import bulk_approve, correct, decide, undo_bulk_approval
from tests.conftest import csrf_token, login
from tests.support.review import send, small_round


@pytest.fixture
def two_sent(world, session):
    small_round(session)
    sent = [send(session, world.users[user], world.households[key]) for user, key in (("dieutra", "in"),
                                                                                       ("giamsat", "in_b"))]
    session.commit()
    return sent


def _reviews(session, uuid):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity_id == uuid,
                                                         AuditEntry.action == "submission.review")
                                .order_by(AuditEntry.id)))


def test_undo_returns_to_the_previous_state_with_comment_and_audit(world, session, two_sent):
    first, second = two_sent
    giamsat = world.users["giamsat"]
    correct(session, giamsat, second, "so_nguoi", "6", "Sổ hộ khẩu ghi 6 người")  # second is now "edited"
    bulk_approve(session, giamsat, [first.uuid, second.uuid])
    session.commit()
    assert (first.state, second.state) == ("approved", "approved")
    outcome = undo_bulk_approval(session, giamsat, [first.uuid, second.uuid])
    session.commit()
    assert [s.uuid for s in outcome.approved] == [first.uuid, second.uuid] and outcome.skipped == []
    assert (first.state, second.state) == ("submitted", "edited")
    last = _reviews(session, second.uuid)[-1]
    assert (last.before, last.after["state"], last.after["undo"]) == ({"state": "approved"}, "edited", True)
    assert "Hoàn tác" in last.summary and last.actor == "giamsat"
    assert [(c.from_state, c.to_state) for c in first.comments][-1] == ("approved", "submitted")


def test_undo_refused_for_another_supervisor_after_the_window_or_a_later_decision(world, session, two_sent):
    first, second = two_sent
    giamsat, admin = world.users["giamsat"], world.users["admin"]
    bulk_approve(session, giamsat, [first.uuid, second.uuid])
    session.commit()
    other = undo_bulk_approval(session, admin, [first.uuid])
    assert other.approved == [] and "giám sát khác" in dict(other.skipped)[first.uuid]
    late = undo_bulk_approval(session, giamsat, [first.uuid],
                              now=utc_now() + timedelta(minutes=review_states.UNDO_MINUTES, seconds=1))
    assert late.approved == [] and "quá 10 phút" in dict(late.skipped)[first.uuid]
    decide(session, giamsat, second, "has_issues", "Thiếu ảnh sổ hộ khẩu")
    session.commit()
    after_decision = undo_bulk_approval(session, giamsat, [second.uuid])
    assert after_decision.approved == [] and "quyết định khác" in dict(after_decision.skipped)[second.uuid]
    decide(session, giamsat, first, "has_issues", "Xem lại")
    decide(session, giamsat, first, "rejected", "Trùng hộ")
    decide(session, giamsat, first, "approved", "Không trùng, duyệt lại")  # approved again, but not in bulk
    session.commit()
    assert undo_bulk_approval(session, giamsat, [first.uuid]).approved == []
    assert (first.state, second.state) == ("approved", "has_issues")


def test_check_undo_allows_only_approved_back_to_awaiting():
    assert review_states.check_undo("approved", "edited").to_state == "edited"
    for from_state, to_state in [("approved", "has_issues"), ("has_issues", "submitted"), ("rejected", "submitted")]:
        with pytest.raises(review_states.TransitionRefused):
            review_states.check_undo(from_state, to_state)


def test_confirmation_page_changes_nothing_then_approve_and_undo_by_form(client, session, world, two_sent):
    first, second = two_sent
    second.flags = [{"code": "fast_completion", "message": "Nhanh"}]
    session.commit()
    login(client, "giamsat")
    token = csrf_token(client, "/review/")
    page = client.post("/review/bulk-approve", data={"uuid": [first.uuid, second.uuid], "csrf_token": token,
                                                      "next": "/review/?state=all"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Duyệt 1 phiếu?" in html
    assert world.households["in"].code in html and "cảnh báo chất lượng" in html
    session.expire_all()
    assert session.get(Submission, first.id).state == "submitted"  # nothing changed yet
    done = client.post("/review/bulk-approve/confirm", data={"uuid": [first.uuid], "csrf_token": token,
                                                             "next": "/review/?state=all"})
    assert done.status_code == 302 and done.headers["Location"] == "/review/?state=all"
    queue = client.get("/review/?state=all").get_data(as_text=True)
    assert "Vừa duyệt hàng loạt 1 phiếu" in queue and 'id="bulk-undo"' in queue
    session.expire_all()
    assert session.get(Submission, first.id).state == "approved"
    client.post("/review/bulk-approve/undo", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Submission, first.id).state == "submitted"
    assert 'id="bulk-undo"' not in client.get("/review/").get_data(as_text=True)  # offered once
    again = client.post("/review/bulk-approve/undo", data={"csrf_token": token}, follow_redirects=True)
    assert "Không còn gì để hoàn tác" in again.get_data(as_text=True)


def test_resubmission_page_shows_the_decision_first_then_what_changed(client, session, world, two_sent):
    first, _ = two_sent
    decide(session, world.users["giamsat"], first, "has_issues", "Hộ có 5 nhân khẩu")
    send(session, world.users["dieutra"], world.households["in"], {"so_nguoi": 5, "co_vay": "khong"},
         uuid=first.uuid)
    session.commit()
    assert first.state == "edited"
    login(client, "giamsat")
    html = client.get(f"/review/{first.uuid}").get_data(as_text=True)
    decision, changes, answers = (html.index('id="quyet-dinh"'), html.index('id="returned-diff"'),
                                  html.index("Câu trả lời"))
    assert decision < changes < answers
    assert 'data-path="so_nguoi"' in html[changes:answers] and "(1 → 2)" in html
