"""Computed poverty status (national ruleset) beside the official one, and the households where they differ.

The official status comes from the commune's annual review; the national ruleset computes a provisional one
from the questionnaire. Where they disagree the commune should look again. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from ..core.scoring.status import (
    COMPUTED_STATUS_LABELS,
    STATUS_OUTCOMES,
    computed_status,
    disagrees_with_official,
)
from ..models import (
    POVERTY_STATUS_LABELS,
    Area,
    Household,
    HouseholdResult,
    HouseholdStatus,
    RoundRuleset,
    RulesetVersion,
    SurveyRound,
)
from ..results.codec import decode
from ..results.store import status_years


def status_ruleset(session: Session, survey_round: SurveyRound) -> tuple[RoundRuleset, RulesetVersion] | None:
    """The round's ruleset that computes a poverty status (it has the computed_* outcomes), if any."""
    wanted = {outcome_id for outcome_id, _ in STATUS_OUTCOMES}
    for link in session.scalars(select(RoundRuleset).where(RoundRuleset.round_id == survey_round.id)
                                .order_by(RoundRuleset.position)):
        version = session.get(RulesetVersion, link.ruleset_version_id)
        if wanted <= {o["id"] for o in version.definition["outcomes"]}:
            return link, version
    return None


def computed_from_row(result: HouseholdResult, version: RulesetVersion) -> str | None:
    return computed_status(decode(result.result, version.definition))


@dataclass
class Mismatch:
    household: Household
    official: str | None
    computed: str | None

    @property
    def official_label(self) -> str:
        return POVERTY_STATUS_LABELS.get(self.official, self.official) if self.official else "Chưa có"

    @property
    def computed_label(self) -> str:
        return COMPUTED_STATUS_LABELS.get(self.computed, "Chưa xác định") if self.computed else "Chưa xác định"


def mismatches(session: Session, survey_round: SurveyRound, area: Area) -> list[Mismatch]:
    """Current, non-draft submissions of the round in `area` whose computed status differs from the official
    status at the end of the round's period. Households the masks already show to agree are skipped in SQL;
    only the rest are decoded."""
    found = status_ruleset(session, survey_round)
    if found is None:
        return []
    link, version = found
    bit = {oid: 1 << i for i, o in enumerate(version.definition["outcomes"]) for oid, _ in STATUS_OUTCOMES
           if o["id"] == oid}
    _, end_year = status_years(survey_round)
    official = aliased(HouseholdStatus)
    poor, near = bit["computed_poor"], bit["computed_near_poor"]
    agrees = ((official.status == "ngheo") & (HouseholdResult.met_mask.op("&")(poor) != 0)) | (
        (official.status == "can_ngheo") & (HouseholdResult.met_mask.op("&")(near) != 0))
    rows = session.execute(
        select(HouseholdResult, Household, official.status)
        .join(Household, Household.id == HouseholdResult.household_id)
        .join(Area, Area.id == HouseholdResult.village_id)
        .outerjoin(official, and_(official.household_id == Household.id, official.year == end_year))
        .where(HouseholdResult.round_ruleset_id == link.id, HouseholdResult.is_current.is_(True),
               Area.path.startswith(area.path, autoescape=True), ~agrees)
        .order_by(Household.code))
    out = []
    for result, household, official_status in rows:
        computed = computed_from_row(result, version)
        if disagrees_with_official(computed, official_status):
            out.append(Mismatch(household, official_status, computed))
    return out
