"""Answer paths, the one place that builds, parses, reads and writes them. Plain Python, no other import of the
application (the answer checker and the reviewer's layout both build on it).

A path names an answer: ``so_thanh_vien`` for a question, ``thanh_vien[1].tuoi`` for the question of a repeat row
(rows counted from 0, shown from 1) and ``thanh_vien[1]`` for the row itself (an error about a whole row). The
browser builds the same paths (``rowPath`` in ``static/js/engine.js``).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_PATH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\](?:\.([A-Za-z_][A-Za-z0-9_]*))?)?\Z")


@dataclass(frozen=True)
class AnswerPath:
    name: str                  # the question, or the repeat of a row path
    index: int | None = None   # the row (from 0) for a path inside a repeat
    child: str | None = None   # the question of the row; None for the row itself

    @property
    def is_row(self) -> bool:
        """``thanh_vien[1]``: a whole repeat row, not one answer."""
        return self.index is not None and self.child is None


def answer_path(name: str, index: int | None = None, child: str | None = None) -> str:
    """``name``, ``name[index]`` (a row) or ``name[index].child`` (a question of a row)."""
    if index is None:
        return name
    return f"{name}[{index}]" if child is None else f"{name}[{index}].{child}"


def parse_path(path: str | None) -> AnswerPath | None:
    """The parts of a path; None for text that is no answer path."""
    match = _PATH.match(path or "")
    if not match:
        return None
    index = match.group(2)
    return AnswerPath(match.group(1), int(index) if index is not None else None, match.group(3))


def read_answer(answers: Mapping[str, Any], path: str) -> Any:
    """The answer at ``path``; None when the path names no answer (unanswered, a missing row, not a path)."""
    parts = parse_path(path)
    if parts is None or parts.is_row:
        return None
    if parts.index is None:
        return answers.get(parts.name)
    rows = answers.get(parts.name) or []
    return (rows[parts.index] or {}).get(parts.child) if parts.index < len(rows) else None


def write_answer(answers: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
    """A copy of ``answers`` with the answer at ``path`` replaced by ``raw`` (None removes it). Raises KeyError
    for a path that names no existing answer place (not a path, a whole row, or a row that does not exist)."""
    parts = parse_path(path)
    if parts is None or parts.is_row:
        raise KeyError(path)
    result = copy.deepcopy(dict(answers))
    target, name = result, parts.name
    if parts.index is not None:
        rows = result.get(parts.name)
        if not isinstance(rows, list) or parts.index >= len(rows):
            raise KeyError(path)
        if not isinstance(rows[parts.index], dict):
            rows[parts.index] = {}
        target, name = rows[parts.index], parts.child
    if raw is None:
        target.pop(name, None)
    else:
        target[name] = raw
    return result
