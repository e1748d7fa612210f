"""Review actions on submissions: decisions, comments, a supervisor's correction, bulk approval, and the choice
of the submission that counts for a household.

Every function checks role and area itself (pages and API share it), flushes and never commits. Legal
transitions come from ``survey_app.core.review_states`` only. Each decision writes its state change and a
SubmissionComment with from_state/to_state, then emits its lifecycle event (``lifecycle.py``): the audit entry,
the counting rule, the income summary, flags and stored scores follow from the table there.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import can
from ..core import review_states
from ..core.answer_paths import read_answer, write_answer
from ..core.answers import answer_text, path_label, question_at
from ..core.clock import utc_now, vietnam_today
from ..core.questionnaire import validate_answers
from ..core.review_states import TransitionRefused
from ..models import AuditEntry, Submission, SubmissionComment, SubmissionVersion, User, record
from ..surveys.versions import get_definition
from .counting import household_submissions, lock_household
from .errors import SubmissionConflict, SubmissionError, SubmissionForbidden, SubmissionInvalid, SubmissionNotFound
from .lifecycle import AuditLine, Event, emit
from .payload import answers_hash, normalise_uuid

MAX_REASON_LENGTH = 1000
DEFAULT_BODIES = {"approved": "Duyệt phiếu.", "rejected": "Loại phiếu.", "has_issues": "Trả lại phiếu."}
OUTSIDE = "Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn)."


def _require_reviewer(user: User) -> None:
    if not can(user, "submission.review"):
        raise SubmissionForbidden("Chỉ giám sát và quản trị được duyệt phiếu.")


def _where(submission: Submission) -> str:
    return f"hộ {submission.household.code}, đợt {submission.survey_round.code}"


def _refused(err: TransitionRefused) -> SubmissionError:
    return SubmissionInvalid(err.message) if err.reason == "comment" else SubmissionConflict(err.message)


def decide(session: Session, user: User, submission: Submission, to_state: str, comment: str | None = "",
           *, bulk: bool = False) -> SubmissionComment:
    """Set a reviewer state (has_issues, approved, rejected). Raises SubmissionError (403 role, 404 area, 409 illegal
    transition, 422 missing comment). Returns the comment row recorded for the decision."""
    _require_reviewer(user)
    if not user.covers(submission.village):
        raise SubmissionNotFound(OUTSIDE)
    lock_household(session, submission)
    try:
        transition = review_states.check_review(submission.state, (to_state or "").strip(), comment)
    except TransitionRefused as err:
        raise _refused(err) from err
    submission.state = transition.to_state
    submission.updated_at = utc_now()
    entry = SubmissionComment(submission=submission, author_id=user.id,
                              body=transition.comment or DEFAULT_BODIES[transition.to_state],
                              from_state=transition.from_state, to_state=transition.to_state, created_at=utc_now())
    session.add(entry)
    how = "Duyệt hàng loạt" if bulk else "Duyệt"
    note = f". Nhận xét: {transition.comment}" if transition.comment else ""
    line = AuditLine("submission.review", f"{how} phiếu {_where(submission)}: {transition.summary}{note}",
                     before={"state": transition.from_state},
                     after={"state": transition.to_state, "comment": transition.comment, "bulk": bulk})
    emit(session, Event("reviewed", submission, user, [line]))
    return entry


def add_comment(session: Session, user: User, submission: Submission, body: str) -> SubmissionComment:
    """Append a comment to the thread (no state change). Enumerators may answer on their own submissions."""
    if not can(user, "comment.add"):
        raise SubmissionForbidden("Tài khoản chỉ xem, không được viết nhận xét.")
    if not user.covers(submission.village):
        raise SubmissionNotFound(OUTSIDE)
    if submission.enumerator_id != user.id and not can(user, "submission.others"):
        raise SubmissionForbidden("Điều tra viên chỉ viết nhận xét trên phiếu của mình.")
    body = (body or "").strip()
    if not body:
        raise SubmissionInvalid("Nhận xét không được để trống.", {"body": "Hãy nhập nội dung nhận xét"})
    if len(body) > review_states.MAX_COMMENT_LENGTH:
        raise SubmissionInvalid(f"Nhận xét dài quá {review_states.MAX_COMMENT_LENGTH} ký tự.")
    entry = SubmissionComment(submission=submission, author_id=user.id, body=body, from_state="", to_state="",
                              created_at=utc_now())
    session.add(entry)
    session.flush()
    record(session, user=user, action="submission.comment", entity_type="submission", entity_id=submission.uuid,
           summary=f"Nhận xét phiếu {_where(submission)}: {body}", after={"state": submission.state, "comment": body})
    return entry


@dataclass
class Correction:
    version: SubmissionVersion
    path: str
    label: str
    old: str
    new: str


def correct(session: Session, user: User, submission: Submission, path: str, raw_value, reason: str, *,
            today: str | date | None = None) -> Correction:
    """A supervisor corrects one answer (a typo) with a required reason: a new SubmissionVersion, state
    ``edited``. The new answer set must pass the questionnaire's checks as a sent submission."""
    _require_reviewer(user)
    if not user.covers(submission.village):
        raise SubmissionNotFound(OUTSIDE)
    lock_household(session, submission)
    try:
        to_state = review_states.check_system(submission.state, "correct")
    except TransitionRefused as err:
        raise SubmissionConflict(err.message) from err
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionInvalid("Sửa phiếu phải ghi lý do.", {"reason": "Hãy ghi lý do sửa"})
    if len(reason) > MAX_REASON_LENGTH:
        raise SubmissionInvalid(f"Lý do dài quá {MAX_REASON_LENGTH} ký tự.", {"reason": "Quá dài"})
    defn = get_definition(submission.questionnaire_version)
    question = question_at(defn, path)
    if question is None or not question.is_answerable or question.read_only:
        raise SubmissionInvalid("Không có câu hỏi này trong phiếu, hoặc câu này không sửa tay được.", {"path": path})
    raw = None if raw_value in (None, "", []) else raw_value
    try:
        answers = write_answer(submission.answers or {}, path, raw)
    except KeyError as err:
        raise SubmissionInvalid("Không có câu trả lời này trong phiếu.", {"path": path}) from err
    check = validate_answers(defn, answers, submit=True, today=today or vietnam_today())
    if not check.ok:
        first = next(iter(check.errors.items()))
        raise SubmissionInvalid(f"Câu trả lời mới chưa hợp lệ: {path_label(defn, first[0])}: {first[1]}", check.errors)
    old_text = answer_text(read_answer(submission.answers or {}, path), question, defn)
    new_text = answer_text(read_answer(check.answers, path), question, defn)
    digest = answers_hash(check.answers, True)
    if digest == submission.answers_hash:
        raise SubmissionInvalid("Câu trả lời mới giống câu trả lời cũ, không có gì để sửa.", {"value": "Không thay đổi"})
    from_state = submission.state
    submission.answers, submission.answers_hash = check.answers, digest
    submission.version_number += 1
    submission.state = to_state
    submission.updated_at = utc_now()
    version = SubmissionVersion(number=submission.version_number, answers=check.answers, answers_hash=digest,
                                questionnaire_version_id=submission.questionnaire_version_id,
                                created_by_id=user.id, reason=reason, created_at=utc_now())
    submission.versions.append(version)
    label = path_label(defn, path)
    body = f"Sửa “{label}”: {old_text} → {new_text}. Lý do: {reason}"
    session.add(SubmissionComment(submission=submission, author_id=user.id, body=body, from_state=from_state,
                                  to_state=to_state, created_at=utc_now()))
    line = AuditLine("submission.correct",
                     f"Giám sát sửa phiếu {_where(submission)} (phiên bản {submission.version_number}): {body}",
                     before={"state": from_state, "version_number": submission.version_number - 1, "path": path,
                             "value": old_text},
                     after={"state": to_state, "version_number": submission.version_number, "path": path,
                            "value": new_text, "comment": reason})
    emit(session, Event("corrected", submission, user, [line]))
    return Correction(version, path, label, old_text, new_text)


@dataclass
class BulkOutcome:
    approved: list[Submission] = field(default_factory=list)  # approved, or (for a preview) approvable
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (uuid, Vietnamese reason)


def _bulk_selection(session: Session, user: User, uuids: list[str], outcome: BulkOutcome) -> list[Submission]:
    """The distinct submissions asked for, in order, inside the user's area; the others are added to
    ``outcome.skipped``."""
    _require_reviewer(user)
    wanted = [u for u in dict.fromkeys(normalise_uuid(v) for v in uuids) if u]
    found = {s.uuid: s for s in session.scalars(select(Submission).where(Submission.uuid.in_(wanted)))} \
        if wanted else {}
    chosen = []
    for uuid in wanted:
        submission = found.get(uuid)
        if submission is None or not user.covers(submission.village):
            outcome.skipped.append((uuid, "không tìm thấy hoặc nằm ngoài địa bàn"))
        else:
            chosen.append(submission)
    return chosen


def _sort_bulk(session: Session, user: User, uuids: list[str], *, lock: bool) -> BulkOutcome:
    """Split the selection into what bulk approval takes (awaiting review, no flag, in the user's area) and what
    it skips, with the reason. ``lock`` takes the household locks first, so the checks see the latest state."""
    outcome = BulkOutcome()
    for submission in _bulk_selection(session, user, uuids, outcome):
        uuid = submission.uuid
        if lock:
            lock_household(session, submission)
        if submission.flags:
            outcome.skipped.append((uuid, "có cảnh báo chất lượng, cần xem từng phiếu"))
        elif submission.state not in review_states.AWAITING_REVIEW:
            outcome.skipped.append((uuid, f"đang ở trạng thái “{review_states.label(submission.state)}”"))
        else:
            outcome.approved.append(submission)
    return outcome


def bulk_preview(session: Session, user: User, uuids: list[str]) -> BulkOutcome:
    """What ``bulk_approve`` would approve and skip, changing nothing (the confirmation page)."""
    return _sort_bulk(session, user, uuids, lock=False)


def bulk_approve(session: Session, user: User, uuids: list[str]) -> BulkOutcome:
    """Approve the selected submissions that await review and carry no flag, one audit entry each; the others
    are skipped with a reason (nothing is refused as a whole)."""
    outcome = _sort_bulk(session, user, uuids, lock=True)
    for submission in outcome.approved:
        decide(session, user, submission, "approved", "", bulk=True)
    session.flush()
    return outcome


def _last_review(session: Session, submission: Submission) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "submission",
                                                   AuditEntry.entity_id == submission.uuid,
                                                   AuditEntry.action == "submission.review")
                          .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))


def _undo_refusal(session: Session, user: User, submission: Submission, now: datetime) -> str | None:
    """Why this submission's bulk approval cannot be undone by ``user`` now (None: it can)."""
    last = _last_review(session, submission)
    after = last.after if last is not None and isinstance(last.after, dict) else {}
    if submission.state != "approved" or after.get("state") != "approved" or not after.get("bulk"):
        return f"đã có quyết định khác sau lần duyệt hàng loạt (đang ở trạng thái “{review_states.label(submission.state)}”)"
    if last.user_id != user.id:
        return "do giám sát khác duyệt, chỉ người đã duyệt mới hoàn tác được"
    if now - last.at > timedelta(minutes=review_states.UNDO_MINUTES):
        return f"đã quá {review_states.UNDO_MINUTES} phút kể từ khi duyệt"
    return None


def undo_bulk_approval(session: Session, user: User, uuids: list[str], *, now: datetime | None = None) -> BulkOutcome:
    """"Hoàn tác": take back a bulk approval, for the supervisor who gave it, within ``UNDO_MINUTES``, while the
    submission is still approved by it. It returns to the state it had before (submitted or edited), with a
    comment and an audit entry, through the ``reviewed`` event like any decision. ``approved`` lists the
    submissions undone; the others are skipped with the reason."""
    now = now or utc_now()
    outcome = BulkOutcome()
    for submission in _bulk_selection(session, user, uuids, outcome):
        lock_household(session, submission)
        refusal = _undo_refusal(session, user, submission, now)
        if refusal:
            outcome.skipped.append((submission.uuid, refusal))
            continue
        previous = _last_review(session, submission).before["state"]
        transition = review_states.check_undo(submission.state, previous)
        submission.state = transition.to_state
        submission.updated_at = utc_now()
        session.add(SubmissionComment(submission=submission, author_id=user.id, body="Hoàn tác duyệt hàng loạt.",
                                      from_state=transition.from_state, to_state=transition.to_state,
                                      created_at=utc_now()))
        line = AuditLine("submission.review", f"Hoàn tác duyệt hàng loạt phiếu {_where(submission)}: "
                                              f"{transition.summary}",
                         before={"state": transition.from_state},
                         after={"state": transition.to_state, "comment": "", "bulk": False, "undo": True})
        emit(session, Event("reviewed", submission, user, [line]))
        outcome.approved.append(submission)
    session.flush()
    return outcome


def choose_counted(session: Session, user: User, submission: Submission, comment: str | None = "") -> Submission:
    """A supervisor says "phiếu này được tính": this sent submission is the one that counts for its household in
    the round, over the others that compete with it. Recorded with who and when (and an audit entry)."""
    _require_reviewer(user)
    if not user.covers(submission.village):
        raise SubmissionNotFound(OUTSIDE)
    lock_household(session, submission)
    if submission.state not in review_states.SENT_STATES:
        raise SubmissionConflict(f"Phiếu đang ở trạng thái “{review_states.label(submission.state)}”: chỉ chọn "
                                 f"được phiếu đã gửi và chưa bị loại.")
    if submission.chosen_at is not None:
        raise SubmissionConflict("Phiếu này đã được chọn là phiếu được tính của hộ.")
    comment = (comment or "").strip()
    if len(comment) > MAX_REASON_LENGTH:
        raise SubmissionInvalid(f"Nhận xét dài quá {MAX_REASON_LENGTH} ký tự.", {"comment": "Quá dài"})
    before = None
    for other in household_submissions(session, submission.round_id, submission.household_id):
        if other.chosen_at is not None:
            before = other.uuid
            other.chosen_at, other.chosen_by_id = None, None
    session.flush()  # at most one chosen submission per household and round
    submission.chosen_at, submission.chosen_by_id = utc_now(), user.id
    body = "Chọn phiếu này là phiếu được tính của hộ." + (f" {comment}" if comment else "")
    session.add(SubmissionComment(submission=submission, author_id=user.id, body=body, from_state="",
                                  to_state="", created_at=utc_now()))
    line = AuditLine("submission.choose", f"Chọn phiếu được tính cho {_where(submission)}"
                                          + (f". Nhận xét: {comment}" if comment else ""),
                     before={"chosen": before}, after={"chosen": submission.uuid, "comment": comment})
    emit(session, Event("chosen", submission, user, [line]))
    return submission
