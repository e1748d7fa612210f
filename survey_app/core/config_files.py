"""What questionnaire and ruleset files have in common: strict YAML reading, and problems reported all at once.

A problem names the file, the place, the attribute, the line and, for expressions, the character position;
``str(problem)`` is the one-line Vietnamese form shown to province staff:
``forms/ho.yaml: câu "tuoi", constraint, vị trí 7: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (plain PyYAML silently keeps the last one)."""

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"khóa '{key}' bị lặp lại", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# Dates stay ISO text (the answer format for dates), so an impossible date such as 2024-13-01 is reported with
# its place by the validator instead of crashing PyYAML's timestamp constructor.
StrictYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


@dataclass(frozen=True)
class ConfigProblem:
    source: str
    where: str | None
    message: str
    attribute: str | None = None
    position: int | None = None  # 0-based character offset inside the expression
    line: int | None = None  # 1-based line in the YAML file, when known

    def __str__(self) -> str:
        parts = [part for part in (self.where, self.attribute) if part]
        if self.line is not None:
            parts.append(f"dòng {self.line}")
        # Positions are stored 0-based but shown counting from 1, as the expression messages do.
        shown = f"vị trí {self.position + 1}" if self.position is not None else None
        if shown and shown not in self.message:
            parts.append(shown)
        place = ", ".join(parts)
        return f"{self.source}: {place}: {self.message}" if place else f"{self.source}: {self.message}"


class ConfigError(Exception):
    """A file was refused. ``errors`` are the formatted lines, ``problems`` the details."""

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = list(problems)
        self.errors = [str(problem) for problem in self.problems]
        super().__init__("\n".join(self.errors))


def read_yaml(path: str | Path, loader: type[yaml.SafeLoader], problem: type[ConfigProblem],
              error: type[ConfigError]) -> Any:
    """The data of a YAML file; an unreadable file or bad YAML raises ``error`` with one ``problem``."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error([problem(source, None, f"không đọc được tệp ({exc})")]) from exc
    try:
        return yaml.load(text, Loader=loader)  # loaders here subclass SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark is not None else None
        raise error([problem(source, None, f"YAML không hợp lệ: {detail}", line=line)]) from exc
