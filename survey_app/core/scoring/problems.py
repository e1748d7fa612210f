"""Ruleset problems: every error a ruleset file can have, reported all at once.

A problem names the file, the place (outcome / criterion / parameter), the attribute and, for expressions,
the character position. ``str(problem)`` is the one-line Vietnamese form shown to province staff, in the
same shape as questionnaire problems:
``forms/rulesets/x.yaml: kết quả "informed", tiêu chí "duoc_tuyen_truyen", expression, vị trí 3: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.core.config_files import ConfigError, ConfigProblem


@dataclass(frozen=True)
class RulesetProblem(ConfigProblem):
    outcome: str | None = None
    criterion: str | None = None


class RulesetError(ConfigError):
    """A ruleset was refused. ``errors`` are the formatted lines, ``problems`` the details."""


class ParameterPeriodError(LookupError):
    """No period of one or more parameters covers the requested date (Vietnamese ``message``)."""

    def __init__(self, ruleset_id: str, on_date: str, names: list[str]):
        self.ruleset_id = ruleset_id
        self.on_date = on_date
        self.names = list(names)
        listed = ", ".join(f'"{name}"' for name in self.names)
        self.message = (f'Bộ quy tắc "{ruleset_id}": tham số {listed} không có giá trị áp dụng cho ngày '
                        f"{_vietnamese_date(on_date)}")
        super().__init__(self.message)


def outcome_place(outcome_id: str) -> str:
    return f'kết quả "{outcome_id}"'


def criterion_place(outcome_id: str, criterion_id: str) -> str:
    return f'kết quả "{outcome_id}", tiêu chí "{criterion_id}"'


def parameter_place(name: str) -> str:
    return f'tham số "{name}"'


def _vietnamese_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"
