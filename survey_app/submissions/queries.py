"""Finding submissions: by UUID within the user's area, the current one of a household, household states; the
newest review comment of submissions."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..models import Area, Household, Submission, SubmissionComment, SurveyRound, User
from .errors import SubmissionNotFound
from .payload import normalise_uuid


def current_submission(session: Session, survey_round: SurveyRound, household: Household) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.round_id == survey_round.id,
                                                   Submission.household_id == household.id,
                                                   Submission.is_current.is_(True)))


def latest_comments(session: Session, submission_ids: Iterable[int]) -> dict[int, SubmissionComment]:
    """The newest review comment of each of these submissions, by submission id (none for one without comments)."""
    ids = list(submission_ids)
    if not ids:
        return {}
    found = {}
    for comment in session.scalars(select(SubmissionComment).where(SubmissionComment.submission_id.in_(ids))
                                   .order_by(SubmissionComment.created_at, SubmissionComment.id)):
        found[comment.submission_id] = comment  # later rows win: the newest
    return found


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


def submission_in_scope(session: Session, user: User, value: str) -> Submission:
    """The submission named by ``value`` (a UUID) when it lies in the user's area; else SubmissionNotFound (its
    existence outside the area is not revealed)."""
    uuid = normalise_uuid(value)
    submission = session.scalar(select(Submission).where(Submission.uuid == uuid)) if uuid else None
    if submission is None or not user.covers(submission.household.village):  # its current village
        raise SubmissionNotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    return submission
