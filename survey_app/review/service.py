"""Review actions on submissions: decisions, comments, a supervisor's correction, bulk approval.

Every function checks role and area itself (pages and API share it), flushes and never commits. Legal
transitions come from ``survey_app.core.review_states`` only. Each decision and correction writes, in the same
transaction: the state change, a SubmissionComment with from_state/to_state, an audit entry (who, when, from,
to, comment), and refreshes the stored score so reports stay right.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import review_states
from ..core.questionnaire import validate_answers
from ..core.review_states import TransitionRefused
from ..errors import ServiceError
from ..models import Submission, SubmissionComment, SubmissionVersion, User, record
from ..scoring.store import store_score, sync_state
from ..surveys.questionnaires import get_definition
from ..surveys.submissions import answers_hash, normalise_uuid
from .answers_view import current_value, path_label, question_at, set_answer, value_text

REVIEW_ROLES = ("admin", "supervisor")
COMMENT_ROLES = ("admin", "supervisor", "enumerator")
MAX_REASON_LENGTH = 1000
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_BODIES = {"approved": "Duyệt phiếu.", "rejected": "Loại phiếu.", "has_issues": "Trả lại phiếu."}


class ReviewError(ServiceError):
    """A refused review action: ``status`` for HTTP, ``message`` in Vietnamese."""


class ReviewForbidden(ReviewError):
    status = 403


class ReviewNotFound(ReviewError):
    status = 404


class ReviewConflict(ReviewError):
    status = 409


class ReviewInvalid(ReviewError):
    status = 422


def _now() -> datetime:
    return datetime.now(timezone.utc)


def vietnam_today() -> str:
    return datetime.now(LOCAL_TIME).date().isoformat()


def after_state_change(session: Session, submission: Submission, *, answers_changed: bool = False) -> None:
    """Keep the stored scores (household_result) in step: rescore when answers changed, else copy the state."""
    if answers_changed:
        store_score(session, submission)
    else:
        sync_state(session, submission)


def submission_in_scope(session: Session, user: User, value: str) -> Submission:
    """The submission named by ``value`` (a UUID) when it lies in the user's area; else ReviewNotFound (its
    existence outside the area is not revealed)."""
    uuid = normalise_uuid(value)
    submission = session.scalar(select(Submission).where(Submission.uuid == uuid)) if uuid else None
    if submission is None or not user.covers(submission.village):
        raise ReviewNotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    return submission


def _require_reviewer(user: User) -> None:
    if user.role not in REVIEW_ROLES:
        raise ReviewForbidden("Chỉ giám sát và quản trị được duyệt phiếu.")


def _where(submission: Submission) -> str:
    return f"hộ {submission.household.code}, đợt {submission.survey_round.code}"


def _refused(err: TransitionRefused) -> ReviewError:
    return ReviewInvalid(err.message) if err.reason == "comment" else ReviewConflict(err.message)


def decide(session: Session, user: User, submission: Submission, to_state: str, comment: str | None = "",
           *, bulk: bool = False) -> SubmissionComment:
    """Set a reviewer state (has_issues, approved, rejected). Raises ReviewError (403 role, 404 area, 409 illegal
    transition, 422 missing comment). Returns the comment row recorded for the decision."""
    _require_reviewer(user)
    if not user.covers(submission.village):
        raise ReviewNotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    try:
        transition = review_states.check_review(submission.state, (to_state or "").strip(), comment)
    except TransitionRefused as err:
        raise _refused(err) from err
    submission.state = transition.to_state
    submission.updated_at = _now()
    entry = SubmissionComment(submission=submission, author_id=user.id,
                              body=transition.comment or DEFAULT_BODIES[transition.to_state],
                              from_state=transition.from_state, to_state=transition.to_state, created_at=_now())
    session.add(entry)
    how = "Duyệt hàng loạt" if bulk else "Duyệt"
    note = f". Nhận xét: {transition.comment}" if transition.comment else ""
    record(session, user=user, action="submission.review", entity_type="submission", entity_id=submission.uuid,
           summary=f"{how} phiếu {_where(submission)}: {transition.summary}{note}",
           before={"state": transition.from_state},
           after={"state": transition.to_state, "comment": transition.comment, "bulk": bulk})
    after_state_change(session, submission)
    return entry


def add_comment(session: Session, user: User, submission: Submission, body: str) -> SubmissionComment:
    """Append a comment to the thread (no state change). Enumerators may answer on their own submissions."""
    if user.role not in COMMENT_ROLES:
        raise ReviewForbidden("Tài khoản chỉ xem, không được viết nhận xét.")
    if not user.covers(submission.village):
        raise ReviewNotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    if user.role == "enumerator" and submission.enumerator_id != user.id:
        raise ReviewForbidden("Điều tra viên chỉ viết nhận xét trên phiếu của mình.")
    body = (body or "").strip()
    if not body:
        raise ReviewInvalid("Nhận xét không được để trống.", {"body": "Hãy nhập nội dung nhận xét"})
    if len(body) > review_states.MAX_COMMENT_LENGTH:
        raise ReviewInvalid(f"Nhận xét dài quá {review_states.MAX_COMMENT_LENGTH} ký tự.")
    entry = SubmissionComment(submission=submission, author_id=user.id, body=body, from_state="", to_state="",
                              created_at=_now())
    session.add(entry)
    record(session, user=user, action="submission.comment", entity_type="submission", entity_id=submission.uuid,
           summary=f"Nhận xét phiếu {_where(submission)}: {body}", after={"state": submission.state, "comment": body})
    session.flush()
    return entry


@dataclass
class Correction:
    version: SubmissionVersion
    path: str
    label: str
    old: str
    new: str


def correct(session: Session, user: User, submission: Submission, path: str, raw_value, reason: str, *,
            today: str | None = None) -> Correction:
    """A supervisor corrects one answer (a typo) with a required reason: a new SubmissionVersion, state
    ``edited``. The new answer set must pass the questionnaire's checks as a sent submission."""
    _require_reviewer(user)
    if not user.covers(submission.village):
        raise ReviewNotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    try:
        to_state = review_states.check_system(submission.state, "correct")
    except TransitionRefused as err:
        raise ReviewConflict(err.message) from err
    reason = (reason or "").strip()
    if not reason:
        raise ReviewInvalid("Sửa phiếu phải ghi lý do.", {"reason": "Hãy ghi lý do sửa"})
    if len(reason) > MAX_REASON_LENGTH:
        raise ReviewInvalid(f"Lý do dài quá {MAX_REASON_LENGTH} ký tự.", {"reason": "Quá dài"})
    defn = get_definition(submission.questionnaire_version)
    question = question_at(defn, path)
    if question is None or not question.is_answerable or question.read_only:
        raise ReviewInvalid("Không có câu hỏi này trong phiếu, hoặc câu này không sửa tay được.", {"path": path})
    raw = None if raw_value in (None, "", []) else raw_value
    try:
        answers = set_answer(submission.answers or {}, path, raw)
    except KeyError as err:
        raise ReviewInvalid("Không có câu trả lời này trong phiếu.", {"path": path}) from err
    check = validate_answers(defn, answers, submit=True, today=today or vietnam_today())
    if not check.ok:
        first = next(iter(check.errors.items()))
        raise ReviewInvalid(f"Câu trả lời mới chưa hợp lệ: {path_label(defn, first[0])}: {first[1]}", check.errors)
    old_text = value_text(defn, question.name, current_value(submission.answers or {}, path))
    new_text = value_text(defn, question.name, current_value(check.answers, path))
    digest = answers_hash(check.answers, True)
    if digest == submission.answers_hash:
        raise ReviewInvalid("Câu trả lời mới giống câu trả lời cũ, không có gì để sửa.", {"value": "Không thay đổi"})
    from_state = submission.state
    submission.answers, submission.answers_hash = check.answers, digest
    submission.version_number += 1
    submission.state = to_state
    submission.updated_at = _now()
    version = SubmissionVersion(number=submission.version_number, answers=check.answers, answers_hash=digest,
                                questionnaire_version_id=submission.questionnaire_version_id,
                                created_by_id=user.id, reason=reason, created_at=_now())
    submission.versions.append(version)
    label = path_label(defn, path)
    body = f"Sửa “{label}”: {old_text} → {new_text}. Lý do: {reason}"
    session.add(SubmissionComment(submission=submission, author_id=user.id, body=body, from_state=from_state,
                                  to_state=to_state, created_at=_now()))
    record(session, user=user, action="submission.correct", entity_type="submission", entity_id=submission.uuid,
           summary=f"Giám sát sửa phiếu {_where(submission)} (phiên bản {submission.version_number}): {body}",
           before={"state": from_state, "version_number": submission.version_number - 1, "path": path,
                   "value": old_text},
           after={"state": to_state, "version_number": submission.version_number, "path": path, "value": new_text,
                  "comment": reason})
    after_state_change(session, submission, answers_changed=True)
    return Correction(version, path, label, old_text, new_text)


@dataclass
class BulkOutcome:
    approved: list[Submission] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (uuid, Vietnamese reason)


def bulk_approve(session: Session, user: User, uuids: list[str]) -> BulkOutcome:
    """Approve the selected submissions that await review and carry no flag, one audit entry each; the others
    are skipped with a reason (nothing is refused as a whole)."""
    _require_reviewer(user)
    outcome = BulkOutcome()
    wanted = [u for u in dict.fromkeys(normalise_uuid(v) for v in uuids) if u]
    found = {s.uuid: s for s in session.scalars(select(Submission).where(Submission.uuid.in_(wanted)))} \
        if wanted else {}
    for uuid in wanted:
        submission = found.get(uuid)
        if submission is None or not user.covers(submission.village):
            outcome.skipped.append((uuid, "không tìm thấy hoặc nằm ngoài địa bàn"))
        elif submission.flags:
            outcome.skipped.append((uuid, "có cảnh báo chất lượng, cần xem từng phiếu"))
        elif submission.state not in review_states.AWAITING_REVIEW:
            outcome.skipped.append((uuid, f"đang ở trạng thái “{review_states.label(submission.state)}”"))
        else:
            decide(session, user, submission, "approved", "", bulk=True)
            outcome.approved.append(submission)
    session.flush()
    return outcome
