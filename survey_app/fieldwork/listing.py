"""Queries behind the enumerator's home: the households of a round in the user's area, returned ones first."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..access import area_clause
from ..core import review_states
from ..models import Area, Household, Submission, SubmissionComment, SurveyRound, User
from ..submissions.queries import latest_comments as submission_comments

STATE_ACTIONS = {
    "not_started": "Khảo sát",
    "draft": "Tiếp tục",
    "has_issues": "Sửa và gửi lại",
}
VIEW_ACTION = "Xem"
EDITABLE_STATES = ("not_started", *review_states.EDITABLE_STATES)  # "not_started": no submission yet


@dataclass
class HouseholdRow:
    household: Household
    state: str
    comment: SubmissionComment | None = None

    @property
    def action_label(self) -> str:
        return STATE_ACTIONS.get(self.state, VIEW_ACTION)

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


def round_area_clause(survey_round: SurveyRound, path_column):
    """SQL condition: `path_column` lies inside one of the round's areas."""
    return or_(*[path_column.startswith(area.path, autoescape=True) for area in survey_round.areas])


def round_households(user: User, survey_round: SurveyRound, text: str = ""):
    """Households of the round inside the user's area, returned submissions first, then by code."""
    current = and_(Submission.household_id == Household.id, Submission.round_id == survey_round.id,
                   Submission.is_current.is_(True))
    stmt = (select(Household)
            .join(Area, Household.village_id == Area.id)
            .outerjoin(Submission, current)
            .where(area_clause(user, Area.path), round_area_clause(survey_round, Area.path))
            .order_by(case((Submission.state == "has_issues", 0), else_=1), Household.code))
    text = text.strip()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Household.code.ilike(like), Household.head_name.ilike(like)))
    return stmt


def household_page(session: Session, listed, code: str, per_page: int) -> int:
    """The page of ``listed`` (a ``round_households`` query) that shows the household ``code``; 1 if it is absent."""
    codes = session.scalars(listed.with_only_columns(Household.code)).all()
    return codes.index(code) // per_page + 1 if code in codes else 1


def state_counts(session: Session, user: User, survey_round: SurveyRound) -> dict[str, int]:
    """How many households of the user's part of the round are in each state (with 'not_started' and 'total')."""
    current = and_(Submission.household_id == Household.id, Submission.round_id == survey_round.id,
                   Submission.is_current.is_(True))
    rows = session.execute(
        select(Submission.state, func.count(Household.id))
        .select_from(Household).join(Area, Household.village_id == Area.id).outerjoin(Submission, current)
        .where(area_clause(user, Area.path), round_area_clause(survey_round, Area.path))
        .group_by(Submission.state))
    counts = {(state or "not_started"): number for state, number in rows}
    counts["total"] = sum(counts.values())
    return counts


def latest_comments(session: Session, survey_round: SurveyRound,
                    household_ids: list[int]) -> dict[int, SubmissionComment]:
    """The newest review comment of each household's current submission in the round, by household id."""
    if not household_ids:
        return {}
    households = dict(session.execute(
        select(Submission.id, Submission.household_id)
        .where(Submission.round_id == survey_round.id, Submission.is_current.is_(True),
               Submission.household_id.in_(household_ids))).all())
    return {households[submission_id]: comment
            for submission_id, comment in submission_comments(session, households).items()}
