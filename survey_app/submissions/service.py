"""THE save service: the one code path that stores what an enumerator sends, for the web form and the JSON API.

A submission is named by a client-made UUID, so every save can be repeated safely:
- a new UUID creates the submission (a draft, or 'submitted' with version 1 when ``submit``);
- the same UUID with the same normalised answers and submit flag is a duplicate: nothing is written;
- the same UUID with other content updates a 'draft' or a returned ('has_issues') submission, and is refused
  (409) once the submission was sent and not returned.
Nothing a device sends is thrown away: another UUID for a household that already has a submission in the round is
stored too, and the counting rule (``core/counting.py``) decides which one counts. What follows a save (audit,
fingerprint, counting, income summary, flags, scores) is the lifecycle's table (``lifecycle.py``), not here.

Order of the checks: role (403), UUID (422), household in the user's area (404; a ``new_household`` from a
device is found by its client UUID or created, ``households/device.py``), round (404), UUID reused for another
household or round (409), round covers the village and form version (403), answers (422), duplicate (200), round
open (403), the edited version (``base_version``: 404/409), ownership and state (403/409). A duplicate is answered even when the round has closed
since: re-sending what was already received is harmless, and the device must learn that it arrived.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..access import can
from ..core.clock import from_device, utc_now, vietnam_today
from ..core.questionnaire import validate_answers
from ..core.review_states import EDITABLE_STATES, check_system
from ..database import begin_writing
from ..households.device import device_household
from ..models import Household, Submission, SubmissionVersion, SurveyRound, User
from ..results.store import PreparedScores, prepare_scores
from ..surveys.versions import get_definition
from .errors import SubmissionConflict, SubmissionForbidden, SubmissionInvalid, SubmissionNotFound
from .lifecycle import AuditLine, Event, emit
from .payload import SubmissionPayload, answers_hash, normalise_uuid


@dataclass
class SaveOutcome:
    submission: Submission
    created: bool
    duplicate: bool
    errors: dict = field(default_factory=dict)  # empty on success
    household_created: bool = False  # a ``new_household`` of the payload was created by this save


def save_submission(session: Session, user: User, payload: SubmissionPayload, *,
                    today: str | date | None = None) -> SaveOutcome:
    """Create, update or recognise a submission (see the module docstring). Raises a SubmissionError subclass;
    the caller's transaction boundary rolls back on it. Writes are flushed, never committed."""
    if not can(user, "submission.edit"):
        raise SubmissionForbidden("Tài khoản chỉ xem, không được nhập hoặc gửi phiếu.")
    uuid = normalise_uuid(payload.uuid)
    if uuid is None:
        raise SubmissionInvalid("Mã phiếu (uuid) không hợp lệ.", {"uuid": "Phải là một UUID, ví dụ "
                                                                     "'0b5c3f1e-8d2a-4c67-9a51-3f0e6b7d2c10'"})
    if not isinstance(payload.answers, Mapping):
        raise SubmissionInvalid("Câu trả lời phải là một đối tượng JSON.", {"answers": "Phải là một đối tượng"})
    household_created = False
    if payload.new_household is not None:
        household, household_created = device_household(session, user, payload.new_household)
    else:
        household = _household_in_scope(session, user, payload.household_code)
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == (payload.round_code or "").strip())
                                  .options(selectinload(SurveyRound.areas),
                                           joinedload(SurveyRound.questionnaire_version, innerjoin=True)))
    if survey_round is None:
        raise SubmissionNotFound(f"Không có đợt khảo sát mã '{payload.round_code}'.")
    existing = session.scalar(select(Submission).where(Submission.uuid == uuid))
    if existing is not None and (existing.household_id != household.id or existing.round_id != survey_round.id):
        raise SubmissionConflict("Mã phiếu (uuid) này đã được dùng cho một hộ hoặc một đợt khảo sát khác.")
    if not survey_round.covers(household.village):
        raise SubmissionForbidden(f"Đợt khảo sát {survey_round.code} không bao gồm thôn của hộ {household.code}.")
    qv = survey_round.questionnaire_version
    if payload.form_version is not None and payload.form_version != qv.version:
        raise SubmissionForbidden(
            f"Phiếu dùng bảng hỏi phiên bản '{payload.form_version}', đợt {survey_round.code} dùng phiên bản "
            f"'{qv.version}'. Hãy tải lại bảng hỏi rồi nhập lại.", {"form_version": f"Phải là '{qv.version}'"})
    _check_times(payload)
    check = validate_answers(get_definition(qv), payload.answers, submit=payload.submit, today=today or vietnam_today())
    if not check.ok:
        raise SubmissionInvalid(f"Phiếu có {len(check.errors)} câu trả lời chưa hợp lệ.", check.errors)
    digest = answers_hash(check.answers, payload.submit)
    if existing is not None and existing.answers_hash == digest:
        return SaveOutcome(existing, created=False, duplicate=True)
    if not survey_round.is_open:
        raise SubmissionForbidden(f"Đợt khảo sát {survey_round.code} đã đóng, không nhận phiếu mới hay sửa phiếu.")
    # The scores too are computed before the write lock (SQLite's writers run one at a time).
    prepared = prepare_scores(session, survey_round, household, check.answers) if payload.submit else None
    if begin_writing(session):  # SQLite: everything above ran without the write lock; look again under it
        existing = session.scalar(select(Submission).where(Submission.uuid == uuid))
        if existing is not None and (existing.household_id != household.id or existing.round_id != survey_round.id):
            raise SubmissionConflict("Mã phiếu (uuid) này đã được dùng cho một hộ hoặc một đợt khảo sát khác.")
        if existing is not None and existing.answers_hash == digest:
            return SaveOutcome(existing, created=False, duplicate=True)
    if payload.base_version is not None:
        _check_base_version(existing, payload.base_version)
    if existing is None:
        created = _create(session, user, payload, uuid, household, survey_round, check.answers, digest, prepared)
        return SaveOutcome(created, created=True, duplicate=False, household_created=household_created)
    _update(session, user, payload, existing, check.answers, digest, prepared)
    return SaveOutcome(existing, created=False, duplicate=False, household_created=household_created)


def _household_in_scope(session: Session, user: User, code: str) -> Household:
    # FOR UPDATE serialises concurrent saves for one household on PostgreSQL, so the counting rule always sees the
    # other devices' submissions; on SQLite every write transaction starts with BEGIN IMMEDIATE (database.py).
    household = session.scalar(select(Household).where(Household.code == (code or "").strip())
                               .options(joinedload(Household.village, innerjoin=True))
                               .with_for_update(of=Household))
    if household is None or not user.covers(household.village):
        raise SubmissionNotFound(f"Không tìm thấy hộ mã '{code}' (hoặc hộ nằm ngoài địa bàn của bạn).")
    return household


STALE_REASONS = {"edited": "giám sát đã sửa phiếu", "approved": "giám sát đã duyệt phiếu",
                 "rejected": "giám sát đã loại phiếu"}


def _check_base_version(existing: Submission | None, base_version: int) -> None:
    """The device edited version ``base_version``: it must still be the server's, or the edit is refused (409)
    with the server's version in ``errors["server_version"]``, so the outbox keeps the item and says why."""
    if existing is None:
        raise SubmissionNotFound(f"Không có phiếu này trên máy chủ để sửa (phiên bản {base_version}).",
                                 {"base_version": "Phiếu chưa từng được gửi; gửi không kèm base_version"})
    if existing.version_number != base_version:
        reason = STALE_REASONS.get(existing.state, "phiếu đã được gửi lại từ nơi khác")
        raise SubmissionConflict(
            f"Phiếu trên máy chủ đã sang phiên bản {existing.version_number} ({reason}); bản sửa trên máy này dựa "
            f"trên phiên bản {base_version}. Hãy tải lại phiếu rồi sửa lại.",
            {"base_version": f"Phiên bản trên máy chủ: {existing.version_number} ({existing.state_label})",
             "server_version": str(existing.version_number)})


def _check_times(payload: SubmissionPayload) -> None:
    if payload.started_at and payload.finished_at and from_device(payload.finished_at) < from_device(payload.started_at):
        raise SubmissionInvalid("Thời điểm kết thúc phỏng vấn trước thời điểm bắt đầu.",
                                {"finished_at": "Phải sau thời điểm bắt đầu (started_at)"})


def _state_snapshot(submission: Submission) -> dict:
    return {"state": submission.state, "version_number": submission.version_number,
            "answers_hash": submission.answers_hash, "is_current": submission.is_current}


def _add_version(submission: Submission, user: User, reason: str) -> None:
    submission.versions.append(SubmissionVersion(
        number=submission.version_number, answers=submission.answers, answers_hash=submission.answers_hash,
        questionnaire_version_id=submission.questionnaire_version_id, created_by_id=user.id, reason=reason))


def _create(session: Session, user: User, payload: SubmissionPayload, uuid: str, household: Household,
            survey_round: SurveyRound, answers: dict, digest: str, prepared: PreparedScores | None) -> Submission:
    submission = Submission(
        # Relationships and their ids both: the lifecycle's handlers read them before the row is inserted.
        uuid=uuid, survey_round=survey_round, round_id=survey_round.id, household=household,
        household_id=household.id, questionnaire_version=survey_round.questionnaire_version,
        questionnaire_version_id=survey_round.questionnaire_version_id, village=household.village,
        village_id=household.village_id, enumerator_id=user.id, state=check_system("draft", "submit") if payload.submit else "draft",
        is_current=False,  # the counting rule (lifecycle) decides
        answers=answers, answers_hash=digest, version_number=1, flags=[], source=payload.source,
        draft_section=payload.position,
        started_at=from_device(payload.started_at), finished_at=from_device(payload.finished_at),
        submitted_at=utc_now() if payload.submit else None)
    session.add(submission)
    if payload.submit:
        _add_version(submission, user, "Gửi phiếu")
    where = f"hộ {household.code}, đợt {survey_round.code}"
    audit = [AuditLine("submission.create", f"Tạo phiếu {where}", after={"state": "draft" if not payload.submit
                                                                          else submission.state})]
    if payload.submit:
        audit.append(AuditLine("submission.submit", f"Gửi phiếu {where}", after={"state": submission.state}))
    emit(session, Event("submitted" if payload.submit else "draft_saved", submission, user, audit,
                        prepared_scores=prepared))
    return submission


def _update(session: Session, user: User, payload: SubmissionPayload, submission: Submission, answers: dict,
            digest: str, prepared: PreparedScores | None) -> None:
    if submission.state not in EDITABLE_STATES:
        raise SubmissionConflict("Phiếu đã được gửi; nội dung khác với bản đã nhận. Không thể ghi đè phiếu đã gửi.")
    if submission.enumerator_id != user.id and not can(user, "submission.others"):
        raise SubmissionForbidden("Phiếu này do điều tra viên khác nhập; chỉ người nhập hoặc giám sát được sửa.")
    before = _state_snapshot(submission)
    submission.answers, submission.answers_hash = answers, digest
    if payload.started_at is not None:
        submission.started_at = from_device(payload.started_at)
    if payload.finished_at is not None:
        submission.finished_at = from_device(payload.finished_at)
    if payload.position is not None:
        submission.draft_section = payload.position
    event, action, summary = "draft_saved", "submission.update", "Lưu nháp phiếu"
    if payload.submit and submission.state == "draft":
        submission.state, submission.version_number = check_system("draft", "submit"), 1
        event, action, summary = "submitted", "submission.submit", "Gửi phiếu"
        _add_version(submission, user, "Gửi phiếu")
    elif payload.submit:  # has_issues: the returned submission comes back corrected
        submission.state = check_system(submission.state, "resubmit")
        submission.version_number += 1
        event, action, summary = "resubmitted", "submission.resubmit", "Gửi lại phiếu đã sửa"
        _add_version(submission, user, "Sửa sau khi bị trả lại")
    if payload.submit:
        submission.submitted_at = utc_now()
    submission.updated_at = utc_now()
    line = AuditLine(action, f"{summary} hộ {submission.household.code}, đợt {submission.survey_round.code}",
                     before=before, after=_state_snapshot(submission))
    emit(session, Event(event, submission, user, [line], prepared_scores=prepared))
