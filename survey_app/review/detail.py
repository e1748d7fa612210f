"""What the submission page shows beside the answers: the household's previous round, the stored outcome
classification, the versions and the comment thread."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..core.answers import flat_texts
from ..core.clock import local_date, utc_now
from ..core.scoring import ScoreResult
from ..models import HouseholdResult, RoundRuleset, Submission, SubmissionComment, SubmissionVersion, SurveyRound
from ..results.codec import decode
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


@dataclass
class StoredOutcome:
    title: str
    result: ScoreResult


def stored_outcomes(session: Session, submission: Submission) -> list[StoredOutcome]:
    """The stored classification of the submission by each ruleset of its round (empty before scoring)."""
    rows = session.execute(
        select(HouseholdResult, RoundRuleset.position)
        .join(RoundRuleset, RoundRuleset.id == HouseholdResult.round_ruleset_id)
        .where(HouseholdResult.submission_id == submission.id)
        .options(selectinload(HouseholdResult.ruleset_version))
        .order_by(RoundRuleset.position, RoundRuleset.id)).all()
    outcomes = []
    for row, _position in rows:
        version = row.ruleset_version
        outcomes.append(StoredOutcome(version.label, decode(row.result, version.definition,
                                                              content_hash=version.content_hash)))
    return outcomes


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
