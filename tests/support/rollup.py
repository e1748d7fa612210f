"""Helpers for the rollup, store and report tests: a small generated province and expected figures computed
in plain Python from the stored rows (never through survey_app.reports.rollup)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.models import Area, HouseholdResult, RoundRuleset, RulesetVersion, SurveyRound

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
    return result
