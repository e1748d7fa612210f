"""Quality flags computed when a submission arrives (submitted or edited), shown in the review queue.

A flag is ``{"code": ..., "message": "Vietnamese"}`` in ``Submission.flags``. Codes computed here:

- ``income_outlier``: the household's income is far above the median of the other sent submissions of its commune
  in the round (at least ``income_min_peers`` of them, so that a median means something), read from the commune's
  incrementally kept ``IncomeSummary`` (``stats.py``), so a save costs the same in a full commune as in an empty one;
- ``fast_completion``: ``finished_at - started_at`` is shorter than ``seconds_per_answer`` times the number of
  answers typed (so a short household is not flagged for a long form's time);
- ``identical_answers``: the same enumerator sent ``identical_min`` or more answer sets of the round that are the
  same once free text and dates (names, interview day) are left out: a sign of copied forms;
- ``duplicate_household``: the household has two or more sent submissions and no supervisor has chosen the one
  that counts; set and cleared by the counting rule (``counting.py``), not here.

The income question and the thresholds come from the questionnaire's ``quality:`` block (``Definition.quality``,
``core/questionnaire/quality.py``); a questionnaire without ``income_question`` gets no income flag.

``apply_flags`` stores them, keeping any flag with another code, and gives the others of an ``identical_answers``
finding the flag too. The lifecycle (``lifecycle.py``) runs it on every sent, resubmitted or corrected submission.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.formatting import format_int
from ..core.questionnaire import Definition, QualitySettings
from ..models import Submission
from ..surveys.versions import get_definition
from .stats import income_of, peer_median

FLAG_LABELS = {
    "income_outlier": "Thu nhập cao bất thường",
    "fast_completion": "Phỏng vấn quá nhanh",
    "identical_answers": "Nhiều phiếu giống hệt nhau",
    "duplicate_household": "Hộ có nhiều phiếu, cần chọn phiếu được tính",
}
COMPUTED_CODES = ("income_outlier", "fast_completion", "identical_answers")  # duplicate_household: counting.py


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
    return (end - start).total_seconds()


def _income_flag(session: Session, defn: Definition, submission: Submission,
                 settings: QualitySettings) -> dict | None:
    if settings.income_question is None or settings.income_question not in defn.questions:
        return None  # this questionnaire names no income question: the flag does not apply
    value = income_of(submission.answers, settings.income_question)
    if value is None:
        return None
    peers, middle = peer_median(session, submission)
    if peers < settings.income_min_peers or middle is None or value <= settings.income_factor * middle:
        return None
    factor = f"{settings.income_factor:g}".replace(".", ",")
    return _flag("income_outlier", f"Thu nhập bình quân {format_int(round(value))} đ/người/tháng, hơn {factor} lần "
                                   f"trung vị của xã ({format_int(round(middle))} đ)")


def _speed_flag(defn: Definition, submission: Submission, settings: QualitySettings) -> dict | None:
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


def _identical_query(submission: Submission, columns):
    query = select(*columns).where(
        Submission.round_id == submission.round_id, Submission.enumerator_id == submission.enumerator_id,
        Submission.answers_fingerprint == submission.answers_fingerprint, Submission.state != "draft")
    if submission.id is not None:  # a new submission is not in the database yet
        query = query.where(Submission.id != submission.id)
    return query


def _identical_count(session: Session, submission: Submission) -> int:
    """How many of the enumerator's sent submissions in the round have this fingerprint, this one included (one
    indexed count, whatever the size of the round)."""
    if submission.enumerator_id is None or submission.answers_fingerprint is None:
        return 0
    return 1 + session.scalar(_identical_query(submission, [func.count()]))


def _identical_flag(count: int) -> dict:
    return _flag("identical_answers", f"Điều tra viên đã gửi {count} phiếu có câu trả lời giống hệt nhau "
                                      f"(không kể tên và ngày) trong đợt này")


def _compute(session: Session, submission: Submission,
             settings: QualitySettings | None) -> tuple[list[dict], int]:
    if submission.state == "draft":
        return [], 0
    defn = get_definition(submission.questionnaire_version)
    settings = settings or defn.quality
    flags = [_income_flag(session, defn, submission, settings), _speed_flag(defn, submission, settings)]
    same = _identical_count(session, submission)
    if same >= settings.identical_min:
        flags.append(_identical_flag(same))
    return [f for f in flags if f is not None], same


def compute_flags(session: Session, submission: Submission, settings: QualitySettings | None = None) -> list[dict]:
    """The computed quality flags of ``submission`` (a list of {"code", "message"}); writes nothing. Drafts have
    none. ``settings`` default to its questionnaire's ``quality`` block. Reads the fingerprint and the commune's income summary the lifecycle keeps."""
    return _compute(session, submission, settings)[0]


def replace_flags(existing: list | None, computed: list[dict], codes=COMPUTED_CODES) -> list[dict]:
    """``existing`` without the flags of ``codes``, plus ``computed``."""
    kept = [f for f in (existing or []) if isinstance(f, Mapping) and f.get("code") not in codes]
    return kept + computed


def _add_flag(submission: Submission, flag: dict) -> None:
    submission.flags = replace_flags(submission.flags, [flag], (flag["code"],))


def apply_flags(session: Session, submission: Submission, settings: QualitySettings | None = None) -> list[dict]:
    """Compute and store the flags of ``submission``. When it is the one that makes identical answer sets a
    pattern (``identical_min``), the earlier ones get the flag too; later ones find them flagged already, so a
    save never rewrites all of an enumerator's identical submissions. Returns the submission's flags."""
    settings = settings or get_definition(submission.questionnaire_version).quality
    computed, same = _compute(session, submission, settings)
    merged = replace_flags(submission.flags, computed)
    if merged != (submission.flags or []):
        submission.flags = merged
    if same == settings.identical_min:
        for other in session.scalars(_identical_query(submission, [Submission])):
            _add_flag(other, _identical_flag(same))
    return list(submission.flags)
