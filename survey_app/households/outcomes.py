"""What the household page shows of stored scores: per round, each outcome with every criterion met or not
met (in Vietnamese), and the computed poverty status beside the official one."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.scoring import Classification, classification
from ..core.scoring.status import COMPUTED_STATUS_LABELS, computed_status, disagrees_with_official
from ..models import Household, Submission, SurveyRound
from ..reports.mismatches import status_ruleset
from ..results.store import status_years, stored_results


@dataclass
class RoundOutcomes:
    survey_round: SurveyRound
    submission: Submission
    classifications: list[Classification] = field(default_factory=list)
    computed: str | None = None
    official: str | None = None
    disagrees: bool | None = None

    @property
    def computed_label(self) -> str:
        return COMPUTED_STATUS_LABELS.get(self.computed, "Chưa xác định (thiếu dữ liệu)") if self.computed else \
            "Chưa xác định (thiếu dữ liệu)"


def household_outcomes(session: Session, household: Household) -> list[RoundOutcomes]:
    """Newest round first; only rounds with a current, non-draft submission."""
    submissions = session.scalars(
        select(Submission).join(SurveyRound, Submission.round_id == SurveyRound.id)
        .where(Submission.household_id == household.id, Submission.is_current.is_(True),
               Submission.state != "draft")
        .order_by(SurveyRound.period_end.desc(), SurveyRound.id.desc()))
    out = []
    for submission in submissions:
        survey_round = submission.survey_round
        item = RoundOutcomes(survey_round, submission)
        results = stored_results(session, submission.id)
        item.classifications = [classification(stored.version.title, stored.score) for stored in results]
        found = status_ruleset(session, survey_round)
        if found is not None:
            link, _version = found
            stored = next((stored for stored in results if stored.round_ruleset_id == link.id), None)
            if stored is not None:
                item.computed = computed_status(stored.score)
                item.official = household.status_for(status_years(survey_round)[1])
                item.disagrees = disagrees_with_official(item.computed, item.official)
        out.append(item)
    return out
