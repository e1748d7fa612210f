"""Which rounds and areas a report can be about: shared by the report pages and ``/api/v1/rollup``."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, RoundRuleset, SurveyRound, User


def scored_rounds(session: Session) -> list[SurveyRound]:
    """Rounds that have a ruleset (the only ones with something to report), newest first."""
    with_ruleset = select(RoundRuleset.round_id)
    return list(session.scalars(select(SurveyRound).where(SurveyRound.id.in_(with_ruleset))
                                .order_by(SurveyRound.period_end.desc(), SurveyRound.code)))


def top_areas(user: User) -> list[Area]:
    """The user's own areas, outermost first, without those inside another of them."""
    areas = sorted(user.areas, key=lambda a: (a.depth, a.path))
    return [a for a in areas if not any(o is not a and a.path.startswith(o.path) for o in areas)]
