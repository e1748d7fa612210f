"""The review service on a database: decisions with comments and audit, append-only comments, supervisor
corrections as versions, bulk approval, area limits."""
import pytest
from sqlalchemy import func, select

from survey_app.models import AuditEntry, Submission, SubmissionComment, SubmissionVersion
from survey_app.models.append_only import CommentIsAppendOnly
from survey_app.submissions import (
    SubmissionConflict,
    SubmissionForbidden,
    SubmissionInvalid,
    SubmissionNotFound,
    add_comment,
    bulk_approve,
    correct,
    decide,
    submission_in_scope,
)
from tests.support.review import send, small_round


@pytest.fixture
def sent(world, session):
    small_round(session)
    submission = send(session, world.users["dieutra"], world.households["in"])
    session.commit()
    return submission


def _audit(session, action):
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_return_records_comment_audit_and_state(world, session, sent):
    giamsat = world.users["giamsat"]
    entry = decide(session, giamsat, sent, "has_issues", "  Tuổi chủ hộ chưa đúng  ")
    session.commit()
    assert sent.state == "has_issues"
    assert (entry.from_state, entry.to_state, entry.body, entry.author_id) == (
        "submitted", "has_issues", "Tuổi chủ hộ chưa đúng", giamsat.id)
    [audit] = _audit(session, "submission.review")
    assert audit.user_id == giamsat.id and audit.at is not None
    assert audit.before == {"state": "submitted"}
    assert audit.after == {"state": "has_issues", "comment": "Tuổi chủ hộ chưa đúng", "bulk": False}
    assert "Tuổi chủ hộ chưa đúng" in audit.summary


def test_return_needs_a_comment_and_nothing_changes(world, session, sent):
    with pytest.raises(SubmissionInvalid, match="phải kèm nhận xét"):
        decide(session, world.users["giamsat"], sent, "has_issues", "")
    assert sent.state == "submitted"
    assert session.scalar(select(func.count(SubmissionComment.id))) == 0


def test_illegal_transition_is_a_conflict(world, session, sent):
    decide(session, world.users["giamsat"], sent, "approved")
    with pytest.raises(SubmissionConflict, match="đã ở trạng thái “Đã duyệt”"):
        decide(session, world.users["giamsat"], sent, "approved")
    with pytest.raises(SubmissionConflict, match="do hệ thống đặt"):
        decide(session, world.users["giamsat"], sent, "edited", "x")


def test_full_cycle_return_resubmit_approve(world, session, sent):
    giamsat, dieutra = world.users["giamsat"], world.users["dieutra"]
    decide(session, giamsat, sent, "has_issues", "Số người sai")
    session.commit()
    again = send(session, dieutra, world.households["in"], {"so_nguoi": 5, "co_vay": "khong"}, uuid=sent.uuid)
    assert again.state == "edited" and again.version_number == 2
    decide(session, giamsat, again, "approved", "")
    session.commit()
    thread = [(c.from_state, c.to_state) for c in session.scalars(
        select(SubmissionComment).order_by(SubmissionComment.id))]
    assert thread == [("submitted", "has_issues"), ("edited", "approved")]


def test_roles_and_area_limits(world, session, sent):
    with pytest.raises(SubmissionForbidden):
        decide(session, world.users["dieutra"], sent, "approved")
    with pytest.raises(SubmissionForbidden):
        decide(session, world.users["lanhdao"], sent, "approved")
    with pytest.raises(SubmissionNotFound):
        decide(session, world.users["giamsat2"], sent, "approved")
    with pytest.raises(SubmissionNotFound):
        submission_in_scope(session, world.users["giamsat2"], sent.uuid)
    assert submission_in_scope(session, world.users["admin"], sent.uuid) is sent
    assert sent.state == "submitted"


def test_comments_are_append_only(world, session, sent):
    entry = add_comment(session, world.users["giamsat"], sent, "Kiểm tra lại thu nhập")
    reply = add_comment(session, world.users["dieutra"], sent, "Đã hỏi lại, số liệu đúng")
    session.commit()
    assert [c.body for c in sent.comments] == ["Kiểm tra lại thu nhập", "Đã hỏi lại, số liệu đúng"]
    assert reply.author_id == world.users["dieutra"].id
    entry.body = "Sửa nội dung"
    with pytest.raises(CommentIsAppendOnly):
        session.flush()
    session.rollback()
    session.delete(session.get(SubmissionComment, entry.id))
    with pytest.raises(CommentIsAppendOnly):
        session.flush()
    session.rollback()
    assert session.get(SubmissionComment, entry.id).body == "Kiểm tra lại thu nhập"
    with pytest.raises(SubmissionInvalid):
        add_comment(session, world.users["giamsat"], sent, "   ")
    with pytest.raises(SubmissionForbidden):
        add_comment(session, world.users["lanhdao"], sent, "Xem")


def test_correction_makes_a_version_and_keeps_the_old_one(world, session, sent):
    giamsat = world.users["giamsat"]
    done = correct(session, giamsat, sent, "so_nguoi", "5", "Gõ nhầm 4 thành 5", today="2024-06-01")
    session.commit()
    assert (done.old, done.new, done.version.number) == ("4", "5", 2)
    assert sent.state == "edited" and sent.version_number == 2 and sent.answers["so_nguoi"] == 5
    versions = list(session.scalars(select(SubmissionVersion).where(SubmissionVersion.submission_id == sent.id)
                                    .order_by(SubmissionVersion.number)))
    assert [(v.number, v.answers["so_nguoi"]) for v in versions] == [(1, 4), (2, 5)]
    assert versions[1].reason == "Gõ nhầm 4 thành 5" and versions[1].created_by_id == giamsat.id
    [audit] = _audit(session, "submission.correct")
    assert audit.before["state"] == "submitted" and audit.after["state"] == "edited"
    assert audit.after["comment"] == "Gõ nhầm 4 thành 5"
    [note] = sent.comments
    assert (note.from_state, note.to_state) == ("submitted", "edited") and "4 → 5" in note.body


def test_correction_rules(world, session, sent):
    giamsat = world.users["giamsat"]
    with pytest.raises(SubmissionInvalid, match="phải ghi lý do"):
        correct(session, giamsat, sent, "so_nguoi", "5", " ")
    with pytest.raises(SubmissionInvalid, match="chưa hợp lệ"):
        correct(session, giamsat, sent, "so_nguoi", "45", "Sửa", today="2024-06-01")
    with pytest.raises(SubmissionInvalid, match="bắt buộc|chưa hợp lệ"):
        correct(session, giamsat, sent, "so_nguoi", "", "Xoá", today="2024-06-01")
    with pytest.raises(SubmissionInvalid, match="giống câu trả lời cũ"):
        correct(session, giamsat, sent, "so_nguoi", "4", "Không đổi", today="2024-06-01")
    with pytest.raises(SubmissionInvalid):
        correct(session, giamsat, sent, "khong_co_cau_nay", "1", "Sửa")
    with pytest.raises(SubmissionForbidden):
        correct(session, world.users["dieutra"], sent, "so_nguoi", "5", "Sửa")
    with pytest.raises(SubmissionNotFound):
        correct(session, world.users["giamsat2"], sent, "so_nguoi", "5", "Sửa")
    decide(session, giamsat, sent, "has_issues", "Cần sửa")
    with pytest.raises(SubmissionConflict, match="trả lại cho điều tra viên"):
        correct(session, giamsat, sent, "so_nguoi", "5", "Sửa")
    assert sent.version_number == 1


def test_bulk_approve_skips_flagged_and_others(world, session, sent):
    giamsat = world.users["giamsat"]
    flagged = send(session, giamsat, world.households["in_b"])
    flagged.flags = [{"code": "fast_completion", "message": "Nhanh"}]
    returned = send(session, world.users["admin"], world.households["out"])
    session.commit()
    outcome = bulk_approve(session, giamsat, [sent.uuid, flagged.uuid, returned.uuid, "khong-phai-uuid"])
    session.commit()
    assert [s.uuid for s in outcome.approved] == [sent.uuid]
    assert sent.state == "approved" and flagged.state == "submitted" and returned.state == "submitted"
    reasons = dict(outcome.skipped)
    assert "cảnh báo" in reasons[flagged.uuid] and "ngoài địa bàn" in reasons[returned.uuid]
    [audit] = _audit(session, "submission.review")
    assert audit.after["bulk"] is True and audit.entity_id == sent.uuid


def test_bulk_approve_writes_one_audit_entry_each(world, session):
    small_round(session)
    first = send(session, world.users["dieutra"], world.households["in"])
    second = send(session, world.users["giamsat"], world.households["in_b"])
    session.commit()
    outcome = bulk_approve(session, world.users["giamsat"], [first.uuid, second.uuid])
    session.commit()
    assert len(outcome.approved) == 2
    assert sorted(a.entity_id for a in _audit(session, "submission.review")) == sorted([first.uuid, second.uuid])
    assert session.scalar(select(func.count(Submission.id)).where(Submission.state == "approved")) == 2
