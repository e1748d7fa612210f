"""Compact storage of a ScoreResult in `household_result`.

`ScoreResult.to_data()` repeats every label (about 7 KB per household); 200.000 households would store more
than a gigabyte of labels. Stored here is only what varies between households, in ruleset order:

    {"p": in_population, "o": [[status, determined, in_population, [held, ...], extras?], ...]}

where `extras` (present only when something was missing) is {"m": {criterion index: [names]}, "pm": [names]}.
`decode` puts the labels back from the ruleset version's definition, so explanations read exactly like the
engine's. The masks give bit i = outcome i: `population_mask` (in the outcome's population) and `met_mask`.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey_app.core.scoring import MET, NOT_IN_POPULATION, CriterionResult, OutcomeResult, ScoreResult

MAX_OUTCOMES = 62  # masks are signed 64-bit integers in the database


def encode(result: ScoreResult) -> tuple[bool | None, int, int, dict[str, Any]]:
    """`(in_population, population_mask, met_mask, compact)` of one result."""
    if len(result.outcomes) > MAX_OUTCOMES:
        raise ValueError(f"Bộ quy tắc có quá {MAX_OUTCOMES} kết quả, không lưu được.")
    population_mask = met_mask = 0
    rows = []
    for index, outcome in enumerate(result.outcomes):
        if outcome.status != NOT_IN_POPULATION:
            population_mask |= 1 << index
        if outcome.status == MET:
            met_mask |= 1 << index
        row: list[Any] = [outcome.status, outcome.determined, outcome.in_population,
                          [criterion.held for criterion in outcome.criteria]]
        missing = {str(i): list(c.missing) for i, c in enumerate(outcome.criteria) if c.missing}
        if missing or outcome.population_missing:
            extras: dict[str, Any] = {}
            if missing:
                extras["m"] = missing
            if outcome.population_missing:
                extras["pm"] = list(outcome.population_missing)
            row.append(extras)
        rows.append(row)
    return result.in_population, population_mask, met_mask, {"p": result.in_population, "o": rows}


def decode(compact: Mapping[str, Any], definition: Mapping[str, Any], *, content_hash: str = "",
           parameters: Mapping[str, Any] | None = None, today: str | None = None) -> ScoreResult:
    """Rebuild the full ScoreResult (with Vietnamese labels) from the compact form and the ruleset's
    canonical data (`RulesetVersion.definition`)."""
    default_population = definition["population"]["label"]
    outcomes = []
    for outcome_data, row in zip(definition["outcomes"], compact["o"]):
        status, determined, in_population, held = row[0], row[1], row[2], row[3]
        extras = row[4] if len(row) > 4 else {}
        missing = extras.get("m", {})
        criteria = tuple(
            CriterionResult(c["id"], c["label"], held[i], tuple(missing.get(str(i), ())))
            for i, c in enumerate(outcome_data["criteria"][:len(held)])  # none outside the population
        )
        population = outcome_data.get("population")
        outcomes.append(OutcomeResult(
            id=outcome_data["id"], label=outcome_data["label"], status=status, determined=bool(determined),
            in_population=in_population,
            population_label=population["label"] if population else default_population,
            population_missing=tuple(extras.get("pm", ())), combine=outcome_data.get("combine", "all"),
            internal=bool(outcome_data.get("internal", False)), criteria=criteria,
        ))
    return ScoreResult(ruleset_id=definition["ruleset_id"], ruleset_version=definition["version"],
                       content_hash=content_hash, in_population=compact["p"], outcomes=tuple(outcomes),
                       parameters=dict(parameters or {}), today=today)
