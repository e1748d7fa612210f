"""What waits for the supervisor, for the home page: the count of submissions awaiting review in the round the
queue opens on, per village (each links to the queue filtered by it), and the oldest one with its age in days.
It counts with the queue's own conditions, so a village's number is what its queue link lists."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..areas import area_labels
from ..core.clock import local_date, vietnam_today
from ..models import Area, Household, Submission, SurveyRound, User
from .queue import parse_filters, queue_conditions, queue_statement


@dataclass
class VillageWaiting:
    code: str
    name: str
    count: int


@dataclass
class Oldest:
    uuid: str
    household_code: str
    head_name: str
    village_name: str
    submitted_at: datetime
    age_days: int


@dataclass
class Waiting:
    survey_round: SurveyRound
    total: int = 0
    villages: list[VillageWaiting] = field(default_factory=list)
    oldest: Oldest | None = None


def waiting_for(session: Session, user: User) -> Waiting | None:
    """None when the user's areas have no round yet."""
    filters = parse_filters(session, user, {"sort": "old"})  # the queue's default round, awaiting review
    if filters.survey_round is None:
        return None
    rows = session.execute(  # by the household's current village, as the queue scopes (queue.py's docstring)
        select(Area, func.count(Submission.id))
        .join(Household, Household.id == Submission.household_id).join(Area, Area.id == Household.village_id)
        .where(*queue_conditions(session, user, filters))
        .group_by(Area.id).order_by(Area.path)).all()
    labels = area_labels(session, [area for area, _ in rows])
    waiting = Waiting(filters.survey_round,
                      villages=[VillageWaiting(area.code, labels[area.id], count) for area, count in rows])
    waiting.total = sum(v.count for v in waiting.villages)
    first = session.execute(queue_statement(session, user, filters).limit(1)).first()
    if first is not None:
        age = (vietnam_today() - local_date(first.submitted_at)).days
        waiting.oldest = Oldest(first.uuid, first.household_code, first.head_name,
                                labels.get(first.village_id, first.village_name),
                                first.submitted_at, max(0, age))
    return waiting
