"""Quality flags computed when a submission arrives (submitted or edited), shown in the review queue.

A flag is ``{"code": ..., "message": "Vietnamese"}`` in ``Submission.flags``. Codes computed here:

- ``income_outlier``: the household's income is far above the median of the other submissions of its commune in
  the round (at least ``income_min_peers`` of them, so that a median means something);
- ``fast_completion``: ``finished_at - started_at`` is shorter than ``seconds_per_answer`` times the number of
  answers typed (so a short household is not flagged for a long form's time);
- ``identical_answers``: the same enumerator sent ``identical_min`` or more answer sets of the round that are the
  same once free text and dates (names, interview day) are left out: a sign of copied forms;
- ``duplicate_household``: the household has another submission in the round (the submission service already
  sets it on the second, not-current submission; here both sides get it).

``apply_flags`` stores them, keeping any flag with another code that someone else set, and brings the other
submissions involved in an ``identical_answers`` or ``duplicate_household`` finding up to date.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timezone
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.formatting import format_int
from ..core.questionnaire import Definition
from ..models import Area, Submission
from ..surveys.questionnaires import get_definition

FLAG_LABELS = {
    "income_outlier": "Thu nhập cao bất thường",
    "fast_completion": "Phỏng vấn quá nhanh",
    "identical_answers": "Nhiều phiếu giống hệt nhau",
    "duplicate_household": "Hộ khảo sát hai lần",
}
COMPUTED_CODES = tuple(FLAG_LABELS)
PEER_STATES = ("submitted", "edited", "has_issues", "approved")


@dataclass(frozen=True)
class FlagSettings:
    income_question: str = "thu_nhap_binh_quan_thang"
    income_factor: float = 3.0
    income_min_peers: int = 5
    seconds_per_answer: float = 4.0
    identical_min: int = 3


DEFAULT_SETTINGS = FlagSettings()


def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code)


def _flag(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def answered_count(defn: Definition, answers: Mapping[str, Any]) -> int:
    """How many answers the enumerator typed or chose (calculations not counted)."""
    count = 0
    for name, value in answers.items():
        question = defn.questions.get(name)
        if question is None:
            continue
        if question.type == "repeat":
            for row in value or []:
                count += sum(1 for key in (row or {}) if key in defn.questions and defn.questions[key].is_answerable)
        elif question.is_answerable:
            count += 1
    return count


def answer_fingerprint(defn: Definition, answers: Mapping[str, Any]) -> str:
    """Hash of the answers without free text, dates and calculations: equal for copied answer sets."""
    def keep(question) -> bool:
        return question is not None and question.is_answerable and question.type not in ("text", "date")

    kept: dict[str, Any] = {}
    for name, value in answers.items():
        question = defn.questions.get(name)
        if question is not None and question.type == "repeat":
            kept[name] = [{k: v for k, v in (row or {}).items() if keep(defn.questions.get(k))} for row in value or []]
        elif keep(question):
            kept[name] = value
    canonical = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _seconds(submission: Submission) -> float | None:
    start, end = submission.started_at, submission.finished_at
    if start is None or end is None:
        return None
    start = start if start.tzinfo else start.replace(tzinfo=timezone.utc)
    end = end if end.tzinfo else end.replace(tzinfo=timezone.utc)
    return (end - start).total_seconds()


def _income_flag(session: Session, submission: Submission, settings: FlagSettings) -> dict | None:
    value = (submission.answers or {}).get(settings.income_question)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return None
    village = session.get(Area, submission.village_id)
    if village is None or village.parent_id is None:
        return None
    income = Submission.answers[settings.income_question].as_float()
    peers = [v for v in session.scalars(
        select(income).join(Area, Submission.village_id == Area.id)
        .where(Area.parent_id == village.parent_id, Submission.round_id == submission.round_id,
               Submission.state.in_(PEER_STATES), Submission.id != submission.id, income.is_not(None)))
        if v is not None and v > 0]
    if len(peers) < settings.income_min_peers:
        return None
    middle = median(peers)
    if value <= settings.income_factor * middle:
        return None
    factor = f"{settings.income_factor:g}".replace(".", ",")
    return _flag("income_outlier", f"Thu nhập bình quân {format_int(round(value))} đ/người/tháng, hơn {factor} lần "
                                   f"trung vị của xã ({format_int(round(middle))} đ)")


def _speed_flag(defn: Definition, submission: Submission, settings: FlagSettings) -> dict | None:
    seconds = _seconds(submission)
    if seconds is None:
        return None
    answered = answered_count(defn, submission.answers or {})
    expected = settings.seconds_per_answer * answered
    if answered == 0 or seconds >= expected:
        return None
    minutes = max(seconds, 0) / 60
    return _flag("fast_completion", f"Phỏng vấn {answered} câu trả lời trong {minutes:.0f} phút "
                                    f"({max(seconds, 0):.0f} giây), quá nhanh để hỏi thật")


def _identical(session: Session, defn: Definition, submission: Submission, settings: FlagSettings) -> list[int]:
    """Ids of the enumerator's submissions in the round with the same fingerprint (this one included), when
    there are at least ``identical_min``; else []."""
    if submission.enumerator_id is None:
        return []
    mine = answer_fingerprint(defn, submission.answers or {})
    rows = session.scalars(select(Submission.id).where(
        Submission.round_id == submission.round_id, Submission.enumerator_id == submission.enumerator_id,
        Submission.answers_fingerprint == mine, Submission.state != "draft", Submission.id != submission.id))
    same = [submission.id] + list(rows)
    return same if len(same) >= settings.identical_min else []


def _identical_flag(count: int) -> dict:
    return _flag("identical_answers", f"Điều tra viên đã gửi {count} phiếu có câu trả lời giống hệt nhau "
                                      f"(không kể tên và ngày) trong đợt này")


def _other_household_submissions(session: Session, submission: Submission) -> list[int]:
    return list(session.scalars(select(Submission.id).where(
        Submission.round_id == submission.round_id, Submission.household_id == submission.household_id,
        Submission.id != submission.id)))


def _duplicate_flag() -> dict:
    return _flag("duplicate_household", "Hộ đã có phiếu khác trong đợt này")


def compute_flags(session: Session, submission: Submission, settings: FlagSettings = DEFAULT_SETTINGS) -> list[dict]:
    """The quality flags of ``submission`` (a list of {"code", "message"}), computed from the database; writes
    nothing. Drafts have none."""
    session.flush()
    if submission.state == "draft":
        return []
    defn = get_definition(submission.questionnaire_version)
    flags = [_income_flag(session, submission, settings), _speed_flag(defn, submission, settings)]
    same = _identical(session, defn, submission, settings)
    if same:
        flags.append(_identical_flag(len(same)))
    if _other_household_submissions(session, submission):
        flags.append(_duplicate_flag())
    return [f for f in flags if f is not None]


def _merged(existing: list | None, computed: list[dict], codes=COMPUTED_CODES) -> list[dict]:
    kept = [f for f in (existing or []) if isinstance(f, Mapping) and f.get("code") not in codes]
    return kept + computed


def _add_flag(submission: Submission, flag: dict) -> None:
    flags = [f for f in (submission.flags or []) if not (isinstance(f, Mapping) and f.get("code") == flag["code"])]
    submission.flags = flags + [flag]


def apply_flags(session: Session, submission: Submission, settings: FlagSettings = DEFAULT_SETTINGS) -> list[dict]:
    """Compute and store the flags of ``submission``; give the flag to the other submissions an identical-answers
    or duplicate-household finding involves. Flushes; returns the submission's flags."""
    submission.answers_fingerprint = answer_fingerprint(get_definition(submission.questionnaire_version),
                                                        submission.answers or {})
    computed = compute_flags(session, submission, settings)
    submission.flags = _merged(submission.flags, computed)
    codes = {f["code"] for f in computed}
    if "identical_answers" in codes:
        defn = get_definition(submission.questionnaire_version)
        same = _identical(session, defn, submission, settings)
        for other in session.scalars(select(Submission).where(Submission.id.in_(same), Submission.id != submission.id)):
            _add_flag(other, _identical_flag(len(same)))
    if "duplicate_household" in codes:
        others = _other_household_submissions(session, submission)
        for other in session.scalars(select(Submission).where(Submission.id.in_(others))):
            _add_flag(other, _duplicate_flag())
    session.flush()
    return list(submission.flags)
