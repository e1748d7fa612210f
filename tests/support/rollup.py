"""Helpers for the rollup, store and report tests: a small generated province and expected figures computed
in plain Python from the stored rows (never through survey_app.reports.rollup)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.models import (
    Area,
    Household,
    HouseholdResult,
    HouseholdStatus,
    RoundRuleset,
    RulesetVersion,
    SurveyRound,
)

SMALL_PROVINCE = 600


def generate_small(session, households: int = SMALL_PROVINCE, seed: int = 7):
    from survey_app.demo.generate import generate

    report = generate(session, households=households, seed=seed, versions=False)
    session.commit()
    return report


@dataclass
class Expected:
    denominator: int
    population: dict[str, int]
    met: dict[str, int]
    counted: int = 0
    listed: int = 0
    surveyed: int = 0
    listed_population: dict[str, int] | None = None


def on_campaign_list(ethnic_group: str, status_start: str | None, outcome_id: str | None = None) -> bool:
    """The campaign ruleset's population, written out by hand: ethnic-minority households poor or near-poor at the
    start; "thoát nghèo" only the poor ones, "thoát cận nghèo" only the near-poor ones."""
    if ethnic_group == "kinh" or status_start not in ("ngheo", "can_ngheo"):
        return False
    return {"escaped_poverty": status_start == "ngheo",
            "escaped_near_poverty": status_start == "can_ngheo"}.get(outcome_id, True)


def primary(session, round_code: str) -> tuple[SurveyRound, RoundRuleset, RulesetVersion]:
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == round_code))
    link = session.scalar(select(RoundRuleset).where(RoundRuleset.round_id == survey_round.id)
                          .order_by(RoundRuleset.position))
    return survey_round, link, session.get(RulesetVersion, link.ruleset_version_id)


def expected_by_area(session, round_code: str, *, approved_only: bool = True) -> dict[str, Expected]:
    """{area code: Expected} for every area, by walking each counted result up its village's path in Python."""
    survey_round, link, version = primary(session, round_code)
    outcome_ids = version.outcome_ids
    areas = {a.id: a for a in session.scalars(select(Area))}
    counted = {"approved"} if approved_only else {"approved", "submitted", "edited"}
    result: dict[str, Expected] = defaultdict(lambda: Expected(0, defaultdict(int), defaultdict(int)))
    rows = session.execute(select(HouseholdResult.village_id, HouseholdResult.state, HouseholdResult.is_current,
                                  HouseholdResult.in_population, HouseholdResult.population_mask,
                                  HouseholdResult.met_mask)
                           .where(HouseholdResult.round_ruleset_id == link.id)).all()
    for village_id, state, is_current, in_population, population_mask, met_mask in rows:
        if not is_current or state not in counted:
            continue
        path_ids = [int(x) for x in areas[village_id].path.strip("/").split("/")]
        for area_id in path_ids:
            entry = result[areas[area_id].code]
            entry.denominator += 1 if in_population else 0
            for bit, outcome_id in enumerate(outcome_ids):
                entry.population[outcome_id] += 1 if population_mask >> bit & 1 else 0
                entry.met[outcome_id] += 1 if met_mask >> bit & 1 else 0
    for village_id, state, is_current, in_population, *_ in rows:
        if is_current and in_population and state in ("submitted", "edited", "has_issues", "approved"):
            for area_id in [int(x) for x in areas[village_id].path.strip("/").split("/")]:
                result[areas[area_id].code].surveyed += 1
    _add_official_list(session, survey_round, areas, outcome_ids, result)
    return result


def _add_official_list(session, survey_round, areas, outcome_ids, result) -> None:
    """Each register household on the list (in Python, household by household), and the denominators of the
    round's rule: under "official" the list's households not counted join the populations."""
    assert session.get(RulesetVersion, primary(session, survey_round.code)[1].ruleset_version_id).ruleset_id \
        == "cuoc_van_dong"
    start = dict(session.execute(select(HouseholdStatus.household_id, HouseholdStatus.status)
                                 .where(HouseholdStatus.year == survey_round.period_start.year - 1)).all())
    for household_id, village_id, ethnic_group in session.execute(
            select(Household.id, Household.village_id, Household.ethnic_group_code)):
        if not on_campaign_list(ethnic_group, start.get(household_id)):
            continue
        for area_id in [int(x) for x in areas[village_id].path.strip("/").split("/")]:
            entry = result[areas[area_id].code]
            entry.listed += 1
            if entry.listed_population is None:
                entry.listed_population = defaultdict(int)
            for outcome_id in outcome_ids:
                entry.listed_population[outcome_id] += on_campaign_list(ethnic_group, start.get(household_id),
                                                                        outcome_id)
    for entry in result.values():
        entry.counted = entry.denominator
        if survey_round.denominator == "official":
            entry.denominator = max(entry.denominator, entry.listed)
            for outcome_id in outcome_ids:
                listed = (entry.listed_population or {}).get(outcome_id, 0)
                entry.population[outcome_id] = max(entry.population[outcome_id], listed)
