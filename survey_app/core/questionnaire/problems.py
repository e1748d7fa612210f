"""Definition problems: every error a questionnaire file can have, reported all at once.

A problem is structured (file, place, attribute, character position, message) so that the XLSForm importer can
re-word the place as a worksheet row; ``str(problem)`` gives the one-line Vietnamese form shown to province staff:
``forms/ho.yaml: câu "tuoi", constraint, vị trí 7: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.core.config_files import ConfigError, ConfigProblem


@dataclass(frozen=True)
class DefinitionProblem(ConfigProblem):
    # Name of the question (or row path) the problem belongs to, and the missing name for a dangling reference;
    # both let the XLSForm importer point at worksheet rows.
    question: str | None = None
    missing_reference: str | None = None


class DefinitionError(ConfigError):
    """A questionnaire definition was refused. ``errors`` are the formatted lines, ``problems`` the details."""


def question_place(name: str) -> str:
    return f'câu "{name}"'


def section_place(name: str) -> str:
    return f'phần "{name}"'


def choice_list_place(name: str) -> str:
    return f'danh sách lựa chọn "{name}"'
