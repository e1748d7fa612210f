"""Answers laid out for a reviewer: by section, with choice labels, only the questions that applied; and the
difference between two answer sets, question by question. Plain Python (no Flask, no database).

Paths name answers the way the questionnaire core does: ``so_thanh_vien`` for a question, ``thanh_vien[1].tuoi``
for the question of a repeat row (rows counted from 0, shown from 1).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .formatting import format_answer_number, format_iso_date
from .questionnaire import Definition, Question, relevance

EMPTY = "—"
PATH_PATTERN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\]\.([A-Za-z_][A-Za-z0-9_]*))?\Z")


@dataclass
class AnswerLine:
    path: str
    question: Question
    text: str                  # the answer as shown ("—" when unanswered)
    answered: bool
    computed: bool = False     # a calculation the enumerator saw, not typed

    @property
    def label(self) -> str:
        return self.question.display_label

    @property
    def correctable(self) -> bool:
        return not self.computed and not self.question.read_only


@dataclass
class RepeatRow:
    number: int                # 1-based, as shown
    lines: list[AnswerLine]


@dataclass
class RepeatBlock:
    question: Question
    rows: list[RepeatRow]

    @property
    def label(self) -> str:
        return self.question.display_label


@dataclass
class SectionView:
    name: str
    label: str
    items: list[AnswerLine | RepeatBlock] = field(default_factory=list)

    def groups(self) -> list[list[AnswerLine] | RepeatBlock]:
        """Consecutive answer lines grouped (one table each), repeats on their own."""
        grouped: list[list[AnswerLine] | RepeatBlock] = []
        for item in self.items:
            if isinstance(item, RepeatBlock):
                grouped.append(item)
            elif grouped and isinstance(grouped[-1], list):
                grouped[-1].append(item)
            else:
                grouped.append([item])
        return grouped


@dataclass(frozen=True)
class Change:
    path: str
    section_label: str
    label: str                 # question label, with the row for repeat questions
    old: str
    new: str


def value_text(defn: Definition, name: str, value: Any) -> str:
    """An answer as the enumerator chose it: choice labels, Vietnamese numbers, dd/mm/yyyy dates."""
    if value is None or value == "" or value == []:
        return EMPTY
    question = defn.questions[name]
    if question.type in ("select_one", "select_multiple"):
        return defn.choice_label(name, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float)):
        return format_answer_number(value)
    if question.type == "date" and isinstance(value, str):
        return format_iso_date(value)
    return str(value)


def _shown(question: Question) -> bool:
    """Questions whose value the enumerator saw: answers, and calculations that have a label."""
    return question.is_answerable or (question.type == "calculate" and bool(question.label))


def _line(defn: Definition, question: Question, path: str, value: Any) -> AnswerLine:
    text = value_text(defn, question.name, value)
    return AnswerLine(path=path, question=question, text=text, answered=text != EMPTY,
                      computed=question.type == "calculate")


def layout(defn: Definition, answers: Mapping[str, Any], today: str) -> list[SectionView]:
    """Sections that applied, each with the questions that applied, in the questionnaire's order."""
    applies = relevance(defn, answers, today)
    sections = []
    for section in defn.sections:
        if section.name not in applies:
            continue
        view = SectionView(section.name, section.label)
        for question in section.questions:
            if question.name not in applies:
                continue
            if question.type == "repeat":
                rows = []
                for index, row in enumerate(answers.get(question.name) or []):
                    lines = [_line(defn, child, f"{question.name}[{index}].{child.name}", (row or {}).get(child.name))
                             for child in question.children
                             if _shown(child) and f"{question.name}[{index}].{child.name}" in applies]
                    rows.append(RepeatRow(index + 1, lines))
                view.items.append(RepeatBlock(question, rows))
            elif _shown(question):
                view.items.append(_line(defn, question, question.name, answers.get(question.name)))
        sections.append(view)
    return sections


def flat_texts(defn: Definition, answers: Mapping[str, Any]) -> dict[str, str]:
    """Every shown answer by path (answered or not), as text; used for side-by-side and diffs."""
    texts: dict[str, str] = {}
    for section in defn.sections:
        for question in section.questions:
            if question.type == "repeat":
                for index, row in enumerate(answers.get(question.name) or []):
                    for child in question.children:
                        if _shown(child):
                            texts[f"{question.name}[{index}].{child.name}"] = value_text(
                                defn, child.name, (row or {}).get(child.name))
            elif _shown(question):
                texts[question.name] = value_text(defn, question.name, answers.get(question.name))
    return texts


def path_label(defn: Definition, path: str) -> str:
    """``thanh_vien[1].tuoi`` -> "Thành viên hộ 2 — Tuổi (tròn năm)"."""
    match = PATH_PATTERN.match(path)
    if not match or match.group(1) not in defn.questions:
        return path
    top = defn.questions[match.group(1)]
    if match.group(2) is None:
        return top.display_label
    child = defn.questions.get(match.group(3))
    return f"{top.display_label} {int(match.group(2)) + 1} — {child.display_label if child else match.group(3)}"


def _section_label(defn: Definition, path: str) -> str:
    name = path.split("[", 1)[0]
    question = defn.questions.get(name)
    section = defn.sections_by_name.get(question.section) if question else None
    return section.label if section else ""


def diff_answers(defn: Definition, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """What changed from ``old`` to ``new``, in the questionnaire's order (rows added or removed show "—")."""
    before, after = flat_texts(defn, old), flat_texts(defn, new)
    order = list(after) + [path for path in before if path not in after]
    order.sort(key=_order_key(defn))
    return [Change(path, _section_label(defn, path), path_label(defn, path), before.get(path, EMPTY),
                   after.get(path, EMPTY))
            for path in order if before.get(path, EMPTY) != after.get(path, EMPTY)]


def _order_key(defn: Definition):
    positions = {name: i for i, name in enumerate(defn.questions)}

    def key(path: str):
        match = PATH_PATTERN.match(path)
        if not match:
            return (len(positions), 0, 0)
        row = int(match.group(2)) if match.group(2) is not None else -1
        child = positions.get(match.group(3), -1) if match.group(3) else -1
        return (positions.get(match.group(1), len(positions)), row, child)

    return key


def set_answer(answers: Mapping[str, Any], path: str, raw: Any) -> dict[str, Any]:
    """A copy of ``answers`` with the answer at ``path`` replaced by ``raw`` (None removes it). Raises KeyError
    for a path that names no existing answer place (unknown question, or a row that does not exist)."""
    match = PATH_PATTERN.match(path or "")
    if not match:
        raise KeyError(path)
    result = copy.deepcopy(dict(answers))
    name, index, child = match.group(1), match.group(2), match.group(3)
    target = result
    if index is not None:
        rows = result.get(name)
        if not isinstance(rows, list) or int(index) >= len(rows):
            raise KeyError(path)
        if not isinstance(rows[int(index)], dict):
            rows[int(index)] = {}
        target, name = rows[int(index)], child
    if raw is None:
        target.pop(name, None)
    else:
        target[name] = raw
    return result


def question_at(defn: Definition, path: str) -> Question | None:
    match = PATH_PATTERN.match(path or "")
    if not match:
        return None
    top = defn.questions.get(match.group(1))
    if top is None or top.repeat is not None:
        return None
    if match.group(2) is None:
        return top if top.type != "repeat" else None
    child = defn.questions.get(match.group(3))
    return child if child is not None and child.repeat == top.name else None


def current_value(answers: Mapping[str, Any], path: str) -> Any:
    match = PATH_PATTERN.match(path or "")
    if not match:
        return None
    if match.group(2) is None:
        return answers.get(match.group(1))
    rows = answers.get(match.group(1)) or []
    index = int(match.group(2))
    return (rows[index] or {}).get(match.group(3)) if index < len(rows) else None
