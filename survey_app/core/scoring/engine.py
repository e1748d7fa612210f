"""The scoring function: classify one household's answers by one ruleset. Pure: no I/O, no clock unless
``today`` is left out, no mutation of its arguments.

Missing answers (docs/scoring.md, "Câu chưa trả lời"): an input is *missing* when it is None, an empty string or an
empty list. A criterion whose required input (any name its expression reads that is not listed in ``optional``)
is missing is not evaluated: it is undetermined (``held=None``) and never counts as held. An expression whose
value is itself empty (None) is undetermined too. Outcomes then combine criteria in three-valued logic (see
``Combine.decide``): a missing answer can make an outcome ``not_met`` with ``determined=False``, never ``met``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from survey_app.core.clock import vietnam_today
from survey_app.core.expressions.values import is_true
from survey_app.core.scoring.model import (
    HOUSEHOLD_PREFIX,
    OUTCOME_PREFIX,
    PARAM_PREFIX,
    Check,
    Outcome,
    Population,
    Ruleset,
)
from survey_app.core.scoring.results import (
    MET,
    NOT_IN_POPULATION,
    NOT_MET,
    CriterionResult,
    OutcomeResult,
    ScoreResult,
)


@dataclass(frozen=True)
class _OutcomePlan:
    outcome: Outcome
    population: Population  # the outcome's own, or the ruleset's
    own_population: bool


@dataclass(frozen=True)
class _Plan:
    """What ``score`` needs from a ruleset, computed once per Ruleset object."""

    answer_names: tuple[str, ...]
    household_attributes: tuple[str, ...]
    parameter_names: tuple[str, ...]
    outcomes: tuple[_OutcomePlan, ...]


_PLANS: weakref.WeakKeyDictionary[Ruleset, _Plan] = weakref.WeakKeyDictionary()


def _plan(ruleset: Ruleset) -> _Plan:
    plan = _PLANS.get(ruleset)
    if plan is None:
        parameter_names: set[str] = set()
        for _, _, check in ruleset.checks():
            parameter_names.update(name[len(PARAM_PREFIX):] for name in check.expression.references
                                   if name.startswith(PARAM_PREFIX))
        outcomes = tuple(
            _OutcomePlan(outcome, outcome.population or ruleset.population, outcome.population is not None)
            for outcome in ruleset.outcomes
        )
        plan = _Plan(ruleset.answer_names, ruleset.household_attributes, tuple(sorted(parameter_names)), outcomes)
        _PLANS[ruleset] = plan
    return plan


def is_missing(value: Any) -> bool:
    """Unanswered: None, '' or an empty list (an unanswered select_multiple or a repeat without rows)."""
    return value is None or (isinstance(value, (str, list, tuple)) and len(value) == 0)


def score(
    ruleset: Ruleset,
    answers: Mapping[str, Any],
    household: Mapping[str, Any] | Any,
    parameters: Mapping[str, Any],
    today: str | dt.date | None = None,
) -> ScoreResult:
    """Classify one household.

    ``answers``: a submission's stored answers (question name -> value; repeats as lists of row objects; stored
    calculate values are read as they are, the questionnaire module keeps them up to date). ``household``: the
    register record, a mapping or an object with the attributes code, ethnic_group, members, status_start,
    status_end (absent or None when unknown; ``household_fallback`` then takes the answer). ``parameters``: from
    ``resolve_parameters(ruleset, reference_date)``. ``today``: the date ``today()`` gives (pass it for
    reproducible results). Never raises because of answer data; raises ValueError if ``parameters`` lacks a
    parameter the ruleset reads (a caller error, not a data problem).
    """
    plan = _plan(ruleset)
    today_text = (today.isoformat() if isinstance(today, dt.date) else today) or vietnam_today().isoformat()
    env = _environment(plan, ruleset, answers or {}, household, parameters)

    population_held, population_missing = run_check(ruleset.population.check, env, today_text)
    results: list[OutcomeResult] = []
    for outcome_plan in plan.outcomes:
        outcome = outcome_plan.outcome
        if outcome_plan.own_population:
            in_population, missing = run_check(outcome_plan.population.check, env, today_text)
        else:
            in_population, missing = population_held, population_missing
        if in_population is True:
            criteria = tuple(
                CriterionResult(criterion.id, criterion.label, *run_check(criterion.check, env, today_text))
                for criterion in outcome.criteria
            )
            met, determined = outcome.combine.decide([criterion.held for criterion in criteria])
            result = OutcomeResult(outcome.id, outcome.label, MET if met else NOT_MET, determined, True,
                                   outcome_plan.population.label, (), outcome.combine.source, outcome.internal,
                                   criteria)
        else:
            result = OutcomeResult(outcome.id, outcome.label, NOT_IN_POPULATION, in_population is False,
                                   in_population, outcome_plan.population.label, missing,
                                   outcome.combine.source, outcome.internal, ())
        env[OUTCOME_PREFIX + outcome.id] = result.value
        results.append(result)
    used_parameters = {name: parameters[name] for name in plan.parameter_names}
    return ScoreResult(ruleset.ruleset_id, ruleset.version, ruleset.content_hash, population_held,
                       tuple(results), used_parameters, today_text)


def run_check(check: Check, env: Mapping[str, Any], today: str) -> tuple[bool | None, tuple[str, ...]]:
    """``(held, missing names)`` of one expression under the missing-answer rule."""
    missing = tuple(name for name in check.required if is_missing(env.get(name)))
    if missing:
        return None, missing
    value = check.evaluate(env, today)
    if value is None:
        return None, ()
    return is_true(value), ()


def _environment(plan: _Plan, ruleset: Ruleset, answers: Mapping[str, Any], household: Any,
                 parameters: Mapping[str, Any]) -> dict[str, Any]:
    env: dict[str, Any] = {}
    not_top_level: list[str] = []
    for name in plan.answer_names:
        if name in answers:
            value = answers[name]
            env[name] = _repeat_row_numbers(value) if _is_repeat_value(value) else value
        else:
            not_top_level.append(name)
    if not_top_level:
        _add_repeat_columns(env, answers, not_top_level)
    for attribute in plan.household_attributes:
        value = _household_value(household, attribute)
        if is_missing(value) and attribute in ruleset.household_fallback:
            value = env.get(ruleset.household_fallback[attribute], answers.get(ruleset.household_fallback[attribute]))
        env[HOUSEHOLD_PREFIX + attribute] = value
    for name in plan.parameter_names:
        if name not in parameters:
            raise ValueError(f'Thiếu giá trị tham số "{name}" của bộ quy tắc "{ruleset.ruleset_id}"')
        env[PARAM_PREFIX + name] = parameters[name]
    return env


def _is_repeat_value(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(row, Mapping) for row in value)


def _repeat_row_numbers(rows: list) -> list[int]:
    """``${repeat}`` gives the row numbers 1..n, as in the questionnaire module (so count() is the row count)."""
    return list(range(1, len(rows) + 1))


def _add_repeat_columns(env: dict[str, Any], answers: Mapping[str, Any], names: list[str]) -> None:
    """A repeat child read from a ruleset gives the list of its values over the rows (for sum/count/max/min)."""
    repeats = [value for value in answers.values() if _is_repeat_value(value)]
    for name in names:
        for rows in repeats:
            if any(name in row for row in rows):
                env[name] = [row.get(name) for row in rows]
                break


def _household_value(household: Any, attribute: str) -> Any:
    if household is None:
        return None
    if isinstance(household, Mapping):
        return household.get(attribute)
    return getattr(household, attribute, None)
