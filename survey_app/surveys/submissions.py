"""THE submission service: the one code path that saves a submission, for the web form and the JSON API.

A submission is named by a client-made UUID, so every save can be repeated safely:
- a new UUID creates the submission (a draft, or 'submitted' with version 1 when ``submit``);
- the same UUID with the same normalised answers and submit flag is a duplicate: nothing is written;
- the same UUID with other content updates a 'draft' or a returned ('has_issues') submission, and is refused
  (409) once the submission was sent and not returned.
Nothing a device sends is thrown away: a second UUID for a household that already has a current submission in
the round is stored as not current, flagged for the supervisor.

Order of the checks: role (403), UUID (422), household in the user's area (404), round (404), UUID reused for
another household or round (409), round covers the village and form version (403), answers (422), duplicate
(200), round open (403), ownership and state (403/409). A duplicate is answered even when the round has closed
since: re-sending what was already received is harmless, and the device must learn that it arrived.
"""
from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..core.questionnaire import validate_answers
from ..core.review_states import check_system
from ..errors import ServiceError
from ..models import Area, Household, Submission, SubmissionVersion, SurveyRound, User, record
from .questionnaires import get_definition

EDIT_ROLES = ("admin", "supervisor", "enumerator")
LOCAL_TIME = ZoneInfo("Asia/Ho_Chi_Minh")
DUPLICATE_HOUSEHOLD_FLAG = {"code": "duplicate_household", "message": "Hộ đã có phiếu khác trong đợt này"}


@dataclass
class SubmissionPayload:
    uuid: str
    household_code: str
    round_code: str
    form_version: str | None
    answers: dict
    started_at: datetime | None = None
    finished_at: datetime | None = None
    submit: bool = False
    source: str = "web"  # "web" | "api"


@dataclass
class SaveOutcome:
    submission: Submission
    created: bool
    duplicate: bool
    errors: dict = field(default_factory=dict)  # empty on success


class SubmissionError(ServiceError):
    """A refused save: ``status`` for HTTP, ``message`` in Vietnamese, ``errors`` by question path or key."""


class SubmissionInvalid(SubmissionError):
    status = 422


class SubmissionConflict(SubmissionError):
    status = 409


class SubmissionNotFound(SubmissionError):
    status = 404


class SubmissionForbidden(SubmissionError):
    status = 403


def vietnam_today() -> str:
    return datetime.now(LOCAL_TIME).date().isoformat()


def normalise_uuid(value) -> str | None:
    """Canonical lower-case hyphenated form, or None when ``value`` is not a UUID string."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid_module.UUID(value.strip()))
    except ValueError:
        return None


def answers_hash(answers: Mapping, submit: bool) -> str:
    canonical = json.dumps({"answers": answers, "submit": bool(submit)}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def save_submission(session: Session, user: User, payload: SubmissionPayload, *,
                    today: str | None = None) -> SaveOutcome:
    """Create, update or recognise a submission (see the module docstring). Raises a SubmissionError subclass;
    the caller's transaction boundary rolls back on it. Writes are flushed, never committed."""
    if user.role not in EDIT_ROLES:
        raise SubmissionForbidden("Tài khoản chỉ xem, không được nhập hoặc gửi phiếu.")
    uuid = normalise_uuid(payload.uuid)
    if uuid is None:
        raise SubmissionInvalid("Mã phiếu (uuid) không hợp lệ.", {"uuid": "Phải là một UUID, ví dụ "
                                                                     "'0b5c3f1e-8d2a-4c67-9a51-3f0e6b7d2c10'"})
    if not isinstance(payload.answers, Mapping):
        raise SubmissionInvalid("Câu trả lời phải là một đối tượng JSON.", {"answers": "Phải là một đối tượng"})
    household = _household_in_scope(session, user, payload.household_code)
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == (payload.round_code or "").strip()))
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
    if existing is None:
        created = _create(session, user, payload, uuid, household, survey_round, check.answers, digest)
        _after_save(session, created)
        return SaveOutcome(created, created=True, duplicate=False)
    _update(session, user, payload, existing, check.answers, digest)
    _after_save(session, existing)
    return SaveOutcome(existing, created=False, duplicate=False)


def _after_save(session: Session, submission: Submission) -> None:
    """Quality flags on arrival, then the stored scores, in the same transaction as the save."""
    from ..review.flags import apply_flags
    from ..scoring.store import store_score

    if submission.state in ("submitted", "edited"):
        apply_flags(session, submission)
    store_score(session, submission)


def _household_in_scope(session: Session, user: User, code: str) -> Household:
    # FOR UPDATE (PostgreSQL; SQLite ignores it) serialises concurrent saves for one household, so two devices
    # cannot both become the current submission.
    household = session.scalar(select(Household).where(Household.code == (code or "").strip())
                               .with_for_update(of=Household))
    if household is None or not user.covers(household.village):
        raise SubmissionNotFound(f"Không tìm thấy hộ mã '{code}' (hoặc hộ nằm ngoài địa bàn của bạn).")
    return household


def _check_times(payload: SubmissionPayload) -> None:
    if payload.started_at and payload.finished_at and _aware(payload.finished_at) < _aware(payload.started_at):
        raise SubmissionInvalid("Thời điểm kết thúc phỏng vấn trước thời điểm bắt đầu.",
                                {"finished_at": "Phải sau thời điểm bắt đầu (started_at)"})


def _aware(moment: datetime | None) -> datetime | None:
    """Naive times come from tablets in Vietnam: read them as Vietnam time, store UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TIME)
    return moment.astimezone(timezone.utc)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _state_snapshot(submission: Submission) -> dict:
    return {"state": submission.state, "version_number": submission.version_number,
            "answers_hash": submission.answers_hash, "is_current": submission.is_current}


def _add_version(submission: Submission, user: User, reason: str) -> None:
    submission.versions.append(SubmissionVersion(
        number=submission.version_number, answers=submission.answers, answers_hash=submission.answers_hash,
        questionnaire_version_id=submission.questionnaire_version_id, created_by_id=user.id, reason=reason))


def _create(session: Session, user: User, payload: SubmissionPayload, uuid: str, household: Household,
            survey_round: SurveyRound, answers: dict, digest: str) -> Submission:
    current = current_submission(session, survey_round, household)
    submission = Submission(
        uuid=uuid, survey_round=survey_round, household=household,
        questionnaire_version_id=survey_round.questionnaire_version_id, village_id=household.village_id,
        enumerator_id=user.id, state=check_system("draft", "submit") if payload.submit else "draft",
        is_current=current is None,
        answers=answers, answers_hash=digest, version_number=1,
        flags=[] if current is None else [dict(DUPLICATE_HOUSEHOLD_FLAG)], source=payload.source,
        started_at=_aware(payload.started_at), finished_at=_aware(payload.finished_at),
        submitted_at=_now() if payload.submit else None)
    session.add(submission)
    if payload.submit:
        _add_version(submission, user, "Gửi phiếu")
    session.flush()
    where = f"hộ {household.code}, đợt {survey_round.code}"
    duplicate_note = f"; hộ đã có phiếu khác ({current.uuid}), phiếu này không phải phiếu hiện hành" if current else ""
    record(session, user=user, action="submission.create", entity_type="submission", entity_id=uuid,
           summary=f"Tạo phiếu {where}{duplicate_note}", after=_state_snapshot(submission))
    if payload.submit:
        record(session, user=user, action="submission.submit", entity_type="submission", entity_id=uuid,
               summary=f"Gửi phiếu {where}", after=_state_snapshot(submission))
    return submission


def _update(session: Session, user: User, payload: SubmissionPayload, submission: Submission, answers: dict,
            digest: str) -> None:
    if submission.state not in ("draft", "has_issues"):
        raise SubmissionConflict("Phiếu đã được gửi; nội dung khác với bản đã nhận. Không thể ghi đè phiếu đã gửi.")
    if user.role == "enumerator" and submission.enumerator_id != user.id:
        raise SubmissionForbidden("Phiếu này do điều tra viên khác nhập; chỉ người nhập hoặc giám sát được sửa.")
    before = _state_snapshot(submission)
    submission.answers, submission.answers_hash = answers, digest
    if payload.started_at is not None:
        submission.started_at = _aware(payload.started_at)
    if payload.finished_at is not None:
        submission.finished_at = _aware(payload.finished_at)
    action, summary = "submission.update", "Lưu nháp phiếu"
    if payload.submit and submission.state == "draft":
        submission.state, submission.version_number = check_system("draft", "submit"), 1
        action, summary = "submission.submit", "Gửi phiếu"
        _add_version(submission, user, "Gửi phiếu")
    elif payload.submit:  # has_issues: the returned submission comes back corrected
        submission.state = check_system(submission.state, "resubmit")
        submission.version_number += 1
        action, summary = "submission.resubmit", "Gửi lại phiếu đã sửa"
        _add_version(submission, user, "Sửa sau khi bị trả lại")
    if payload.submit:
        submission.submitted_at = _now()
    submission.updated_at = _now()
    session.flush()
    record(session, user=user, action=action, entity_type="submission", entity_id=submission.uuid,
           summary=f"{summary} hộ {submission.household.code}, đợt {submission.survey_round.code}",
           before=before, after=_state_snapshot(submission))


def current_submission(session: Session, survey_round: SurveyRound, household: Household) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.round_id == survey_round.id,
                                                   Submission.household_id == household.id,
                                                   Submission.is_current.is_(True)))


def submission_by_uuid(session: Session, user: User, value: str) -> Submission | None:
    """The submission with this UUID when the user's area covers its household, else None."""
    uuid = normalise_uuid(value)
    submission = session.scalar(select(Submission).where(Submission.uuid == uuid)) if uuid else None
    if submission is None or not user.covers(submission.household.village):
        return None
    return submission


def household_states(session: Session, user: User, survey_round: SurveyRound,
                     households: Iterable[Household]) -> dict[int, str]:
    """State of each household's current submission in the round, or 'not_started'. Households outside the
    user's area are left out (callers pass area-limited lists; this only keeps others' data hidden)."""
    wanted = [h.id for h in households]
    if not wanted or not user.area_paths:
        return {}
    in_scope = select(Household.id).join(Area, Household.village_id == Area.id).where(
        Household.id.in_(wanted), or_(*[Area.path.startswith(p, autoescape=True) for p in user.area_paths]))
    states = {household_id: "not_started" for household_id in session.scalars(in_scope)}
    rows = session.execute(select(Submission.household_id, Submission.state).where(
        Submission.round_id == survey_round.id, Submission.is_current.is_(True),
        Submission.household_id.in_(list(states))))
    for household_id, state in rows:
        states[household_id] = state
    return states


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # SQLite gives back naive UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.isoformat()


def submission_json(submission: Submission) -> dict:
    """What the API returns for a submission."""
    qv = submission.questionnaire_version
    return {
        "uuid": submission.uuid,
        "household": submission.household.code,
        "round": submission.survey_round.code,
        "form_id": qv.form_id,
        "form_version": qv.version,
        "state": submission.state,
        "state_label": submission.state_label,
        "is_current": submission.is_current,
        "version_number": submission.version_number,
        "answers": submission.answers,
        "flags": list(submission.flags or []),
        "source": submission.source,
        "enumerator": submission.enumerator.username if submission.enumerator else None,
        "village": submission.village.code,
        "started_at": _iso(submission.started_at),
        "finished_at": _iso(submission.finished_at),
        "submitted_at": _iso(submission.submitted_at),
        "created_at": _iso(submission.created_at),
        "updated_at": _iso(submission.updated_at),
    }
