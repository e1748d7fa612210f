"""Scoring: classify a household's answers into campaign outcomes (or a computed poverty status) with a
ruleset that is configuration, never code. Plain Python (no Flask, no database). Format reference and the
rule for missing answers: docs/scoring.md.

Typical use::

    ruleset = load_ruleset("forms/rulesets/cuoc_van_dong.yaml")      # parse + validate once
    problems = ruleset.check_against(load_definition("forms/ho_gia_dinh.yaml"))
    parameters = resolve_parameters(ruleset, "2024-12-31")           # the round's reference date
    result = score(ruleset, answers, household, parameters, today="2024-12-31")
    stored = result.to_data()                                        # JSON; ScoreResult.from_data(stored)
"""

from survey_app.core.scoring.engine import is_missing, score
from survey_app.core.scoring.loader import load_ruleset, ruleset_from_data
from survey_app.core.scoring.model import (
    HOUSEHOLD_ATTRIBUTES,
    Check,
    Combine,
    Criterion,
    Outcome,
    Parameter,
    ParameterPeriod,
    Population,
    Ruleset,
)
from survey_app.core.scoring.parameters import resolve_parameters
from survey_app.core.scoring.problems import ParameterPeriodError, RulesetError, RulesetProblem
from survey_app.core.scoring.results import (
    MET,
    NOT_IN_POPULATION,
    NOT_MET,
    STATUS_LABELS,
    Classification,
    CriterionResult,
    OutcomeLine,
    OutcomeResult,
    ScoreResult,
    classification,
)
from survey_app.core.scoring.status import (
    COMPUTED_STATUS_LABELS,
    computed_status,
    disagrees_with_official,
    official_equivalent,
)

__all__ = [
    "COMPUTED_STATUS_LABELS",
    "HOUSEHOLD_ATTRIBUTES",
    "MET",
    "NOT_IN_POPULATION",
    "NOT_MET",
    "STATUS_LABELS",
    "Check",
    "Classification",
    "Combine",
    "Criterion",
    "CriterionResult",
    "Outcome",
    "OutcomeLine",
    "OutcomeResult",
    "Parameter",
    "ParameterPeriod",
    "ParameterPeriodError",
    "Population",
    "Ruleset",
    "RulesetError",
    "RulesetProblem",
    "ScoreResult",
    "classification",
    "computed_status",
    "disagrees_with_official",
    "is_missing",
    "load_ruleset",
    "official_equivalent",
    "resolve_parameters",
    "ruleset_from_data",
    "score",
]
