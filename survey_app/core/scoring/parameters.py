"""Resolve a ruleset's dated parameters for one reference date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from survey_app.core.scoring.model import Ruleset
from survey_app.core.scoring.problems import ParameterPeriodError


def resolve_parameters(ruleset: Ruleset, on_date: str | dt.date, *, strict: bool = True) -> dict[str, Any]:
    """Value of every parameter on ``on_date`` (ISO date or ``date``), periods being inclusive at both ends.

    Use the reference date of the survey round (e.g. 31/12 of the year surveyed), not the day of rescoring, so
    that a household is always judged by the thresholds of its own year. A parameter without a covering period
    raises ``ParameterPeriodError`` (Vietnamese message); with ``strict=False`` it gets None instead, and the
    criteria that read it are then undetermined.
    """
    if isinstance(on_date, dt.datetime):
        on_date = on_date.date()
    day = on_date.isoformat() if isinstance(on_date, dt.date) else dt.date.fromisoformat(on_date).isoformat()
    values: dict[str, Any] = {}
    uncovered: list[str] = []
    for name, parameter in ruleset.parameters.items():
        period = parameter.period_on(day)
        if period is None:
            uncovered.append(name)
            values[name] = None
        else:
            values[name] = period.value
    if uncovered and strict:
        raise ParameterPeriodError(ruleset.ruleset_id, day, uncovered)
    return values
