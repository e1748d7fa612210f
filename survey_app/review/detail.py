"""What the submission page shows beside the answers: the household's previous round, the versions and the
comment thread (the stored classification is ``scoring.store.stored_results``)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..core.answers import Change, diff_answers, flat_texts
from ..core.clock import local_date, utc_now
from ..models import Submission, SubmissionComment, SubmissionVersion, SurveyRound
from ..surveys.versions import get_definition


def answers_day(submission: Submission) -> str:
    """The day relevance rules (``today()``) are evaluated on: when the submission was sent, else now."""
    return local_date(submission.submitted_at or submission.updated_at or utc_now()).isoformat()


def previous_submission(session: Session, submission: Submission) -> Submission | None:
    """The household's current, sent submission in the latest earlier round of the same series."""
    survey_round = submission.survey_round
    if not survey_round.series:
        return None
    return session.scalar(
        select(Submission).join(SurveyRound, SurveyRound.id == Submission.round_id)
        .where(Submission.household_id == submission.household_id, Submission.is_current.is_(True),
               Submission.state != "draft", SurveyRound.series == survey_round.series,
               SurveyRound.period_end < survey_round.period_start)
        .order_by(SurveyRound.period_end.desc()).limit(1))


def previous_texts(previous: Submission | None) -> dict[str, str]:
    """The previous round's answers as text by path, in its own questionnaire's labels."""
    if previous is None:
        return {}
    return flat_texts(get_definition(previous.questionnaire_version), previous.answers or {})


def comment_thread(session: Session, submission: Submission) -> list[SubmissionComment]:
    return list(session.scalars(select(SubmissionComment).where(SubmissionComment.submission_id == submission.id)
                                .options(selectinload(SubmissionComment.author))
                                .order_by(SubmissionComment.created_at, SubmissionComment.id)))


def versions_of(session: Session, submission: Submission) -> list[SubmissionVersion]:
    return list(session.scalars(select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id)
                                .options(selectinload(SubmissionVersion.created_by))
                                .order_by(SubmissionVersion.number)))


def version_by_number(session: Session, submission: Submission, number: int) -> SubmissionVersion | None:
    return session.scalar(select(SubmissionVersion).where(SubmissionVersion.submission_id == submission.id,
                                                          SubmissionVersion.number == number))


@dataclass
class ReturnedDiff:
    """What changed since the version the supervisor returned (shown first on a resubmission)."""
    old: SubmissionVersion
    new: SubmissionVersion
    changes: list[Change]


def returned_diff(submission: Submission, versions: list[SubmissionVersion],
                  comments: list[SubmissionComment]) -> ReturnedDiff | None:
    """For a submission sent back edited: the diff from the version current at its last return to the latest
    version (None when it was never returned, or nothing newer exists)."""
    returns = [c for c in comments if c.to_state == "has_issues"]
    if submission.state != "edited" or not returns or len(versions) < 2:
        return None
    returned_at = returns[-1].created_at
    before = [v for v in versions if v.created_at <= returned_at]
    old, new = (before[-1] if before else versions[0]), versions[-1]
    if old.number == new.number:
        return None
    defn = get_definition(submission.questionnaire_version)
    return ReturnedDiff(old, new, diff_answers(defn, old.answers or {}, new.answers or {}))
