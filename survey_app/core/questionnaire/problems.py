"""Definition problems: every error a questionnaire file can have, reported all at once.

A problem is structured (file, place, attribute, character position, message) so that the XLSForm importer can
re-word the place as a worksheet row; ``str(problem)`` gives the one-line Vietnamese form shown to province staff:
``forms/ho.yaml: câu "tuoi", constraint, vị trí 7: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefinitionProblem:
    source: str
    where: str | None
    message: str
    attribute: str | None = None
    position: int | None = None
    # Name of the question (or row path) the problem belongs to, and the missing name for a dangling reference;
    # both let the XLSForm importer point at worksheet rows.
    question: str | None = None
    missing_reference: str | None = None

    def __str__(self) -> str:
        parts = [part for part in (self.where, self.attribute) if part]
        # Positions are stored 0-based but shown counting from 1, as the expression messages do.
        shown = f"vị trí {self.position + 1}" if self.position is not None else None
        if shown and shown not in self.message:
            parts.append(shown)
        place = ", ".join(parts)
        return f"{self.source}: {place}: {self.message}" if place else f"{self.source}: {self.message}"


class DefinitionError(Exception):
    """A questionnaire definition was refused. ``errors`` are the formatted lines, ``problems`` the details."""

    def __init__(self, problems: list[DefinitionProblem]):
        self.problems = list(problems)
        self.errors = [str(problem) for problem in self.problems]
        super().__init__("\n".join(self.errors))


def question_place(name: str) -> str:
    return f'câu "{name}"'


def section_place(name: str) -> str:
    return f'phần "{name}"'


def choice_list_place(name: str) -> str:
    return f'danh sách lựa chọn "{name}"'
