"""Immutable model of a loaded scoring ruleset (built only by the loader, which validates it first).

A ruleset reads the answers of one questionnaire (``questionnaire`` = its form_id) plus the household's register
record and dated parameters, and classifies the household into ordered outcomes, each met / not met. Expressions
are parsed once, at load time; ``score()`` only evaluates them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from survey_app.core.expressions import Expression

if TYPE_CHECKING:  # pragma: no cover - typing only
    from survey_app.core.questionnaire import Definition
    from survey_app.core.scoring.problems import RulesetProblem

HOUSEHOLD_ATTRIBUTES = ("code", "ethnic_group", "members", "status_start", "status_end")
"""Register attributes a ruleset may read as ``${household.<attr>}``."""

FALLBACK_ATTRIBUTES = ("ethnic_group", "members", "status_start", "status_end")
"""Register attributes that ``household_fallback`` may take from an answer when the register has no value."""

PARAM_PREFIX = "param."
HOUSEHOLD_PREFIX = "household."
OUTCOME_PREFIX = "outcome."


@dataclass(frozen=True)
class Combine:
    """How an outcome's criteria combine: ``all``, ``any`` or ``at_least`` ``count`` of them."""

    mode: str
    count: int | None = None

    @property
    def source(self) -> str:
        return f"at_least {self.count}" if self.mode == "at_least" else self.mode

    @property
    def needed(self) -> int | None:
        """How many criteria must hold (None for ``all``, which needs every one)."""
        return 1 if self.mode == "any" else self.count

    def decide(self, held: list[bool | None]) -> tuple[bool, bool]:
        """``(met, determined)`` under three-valued logic: an undetermined criterion (None) never counts as held;
        the result is *determined* only when no assignment of the undetermined criteria could change it."""
        true_count = sum(1 for value in held if value is True)
        unknown_count = sum(1 for value in held if value is None)
        if self.mode == "all":
            if any(value is False for value in held):
                return False, True
            return unknown_count == 0, unknown_count == 0
        needed = self.needed or 1
        if true_count >= needed:
            return True, True
        return False, true_count + unknown_count < needed


@dataclass(frozen=True)
class Check:
    """One expression with its missing-answer policy (see docs/scoring.md, "Câu chưa trả lời").

    ``required`` are the environment names that must have a value for the expression to be evaluated at all;
    ``optional`` are names the expression may see as empty (questions skipped by the form's ``relevant``).
    """

    source: str
    expression: Expression
    optional: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def evaluate(self, env: Mapping[str, Any], today: str) -> Any:
        """The expression's value (through the expression's compiled closures; ``today`` is an ISO date)."""
        return self.expression.compiled(env, today, None)

    @property
    def ast(self) -> Any:
        return self.expression.ast

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"expression": self.source}
        if self.optional:
            data["optional"] = list(self.optional)
        return data


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    check: Check

    def to_data(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, **self.check.to_data()}


@dataclass(frozen=True)
class Population:
    """Who an outcome is counted for: the households in the reports' denominator."""

    label: str
    check: Check

    def to_data(self) -> dict[str, Any]:
        return {"label": self.label, **self.check.to_data()}


@dataclass(frozen=True)
class Outcome:
    id: str
    label: str
    combine: Combine
    criteria: tuple[Criterion, ...]
    population: Population | None = None  # None: the ruleset's population
    internal: bool = False  # an intermediate result other outcomes read; reports leave it out
    description: str | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label}
        if self.description is not None:
            data["description"] = self.description
        data["combine"] = self.combine.source
        if self.internal:
            data["internal"] = True
        if self.population is not None:
            data["population"] = self.population.to_data()
        data["criteria"] = [criterion.to_data() for criterion in self.criteria]
        return data


@dataclass(frozen=True)
class ParameterPeriod:
    start: str  # ISO date, inclusive
    end: str | None  # ISO date, inclusive; None = still in force
    value: Any

    def covers(self, on_date: str) -> bool:
        return self.start <= on_date and (self.end is None or on_date <= self.end)

    def to_data(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "value": self.value}


@dataclass(frozen=True)
class Parameter:
    name: str
    periods: tuple[ParameterPeriod, ...]  # sorted by start, never overlapping
    label: str | None = None

    def period_on(self, on_date: str) -> ParameterPeriod | None:
        for period in self.periods:
            if period.covers(on_date):
                return period
        return None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.label is not None:
            data["label"] = self.label
        data["periods"] = [period.to_data() for period in self.periods]
        return data


@dataclass(frozen=True, eq=False)
class Ruleset:
    """A validated ruleset. ``ruleset_id`` + ``version`` name it; ``content_hash`` identifies its exact content."""

    ruleset_id: str
    version: str
    title: str
    questionnaire: str
    population: Population
    outcomes: tuple[Outcome, ...]
    parameters: dict[str, Parameter] = field(default_factory=dict)
    household_fallback: dict[str, str] = field(default_factory=dict)  # register attribute -> question name
    description: str | None = None
    source: str = ""

    def to_data(self) -> dict[str, Any]:
        """Canonical plain data; ``ruleset_from_data(r.to_data(), ...)`` gives an equivalent ruleset."""
        data: dict[str, Any] = {
            "ruleset_id": self.ruleset_id,
            "version": self.version,
            "title": self.title,
            "questionnaire": self.questionnaire,
        }
        if self.description is not None:
            data["description"] = self.description
        if self.household_fallback:
            data["household_fallback"] = dict(self.household_fallback)
        data["parameters"] = {name: parameter.to_data() for name, parameter in self.parameters.items()}
        data["population"] = self.population.to_data()
        data["outcomes"] = [outcome.to_data() for outcome in self.outcomes]
        return data

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical data: comments and layout of the YAML file do not change it."""
        canonical = json.dumps(self.to_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @cached_property
    def outcomes_by_id(self) -> dict[str, Outcome]:
        return {outcome.id: outcome for outcome in self.outcomes}

    def outcome(self, outcome_id: str) -> Outcome:
        return self.outcomes_by_id[outcome_id]

    @property
    def reported_outcomes(self) -> tuple[Outcome, ...]:
        """The outcomes reports show (internal intermediate outcomes left out), in ruleset order."""
        return tuple(outcome for outcome in self.outcomes if not outcome.internal)

    def checks(self) -> list[tuple[str | None, str | None, Check]]:
        """Every expression as ``(outcome id, criterion id, check)``; the ruleset population has ``(None, None)``,
        an outcome's own population has ``(outcome id, None)``."""
        found: list[tuple[str | None, str | None, Check]] = [(None, None, self.population.check)]
        for outcome in self.outcomes:
            if outcome.population is not None:
                found.append((outcome.id, None, outcome.population.check))
            found.extend((outcome.id, criterion.id, criterion.check) for criterion in outcome.criteria)
        return found

    @cached_property
    def answer_names(self) -> tuple[str, ...]:
        """Question names the ruleset reads (expressions and household_fallback), sorted."""
        names = set(self.household_fallback.values())
        for _, _, check in self.checks():
            names.update(name for name in check.expression.references if "." not in name)
        return tuple(sorted(names))

    @cached_property
    def household_attributes(self) -> tuple[str, ...]:
        """Register attributes the expressions read."""
        names: set[str] = set()
        for _, _, check in self.checks():
            names.update(name[len(HOUSEHOLD_PREFIX):] for name in check.expression.references
                         if name.startswith(HOUSEHOLD_PREFIX))
        return tuple(sorted(names))

    def check_against(self, definition: Definition) -> list[RulesetProblem]:
        """Problems between this ruleset and a questionnaire: wrong form_id, unknown question names, choice codes
        that the question does not offer. An empty list means the ruleset fits the questionnaire."""
        from survey_app.core.scoring.checking import check_against_definition

        return check_against_definition(self, definition)
