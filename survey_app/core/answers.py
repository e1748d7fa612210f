"""Answers laid out for a reviewer: by section, with choice labels, only the questions that applied; and the
difference between two answer sets, question by question. Plain Python (no Flask, no database).

Answers are named by their paths (``thanh_vien[1].tuoi``; built, parsed, read and written by ``answer_paths``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .answer_paths import answer_path, parse_path
from .formatting import format_answer_number, format_iso_date
from .questionnaire import Definition, Question, relevance

EMPTY = "—"


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
                    paths = {child.name: answer_path(question.name, index, child.name) for child in question.children}
                    lines = [_line(defn, child, paths[child.name], (row or {}).get(child.name))
                             for child in question.children if _shown(child) and paths[child.name] in applies]
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
                            texts[answer_path(question.name, index, child.name)] = value_text(
                                defn, child.name, (row or {}).get(child.name))
            elif _shown(question):
                texts[question.name] = value_text(defn, question.name, answers.get(question.name))
    return texts


def path_label(defn: Definition, path: str) -> str:
    """A Vietnamese name for the place a path names: ``thanh_vien[1].tuoi`` -> "Thành viên hộ 2 — Tuổi (tròn
    năm)", ``thanh_vien[1]`` -> "Thành viên hộ 2"; the path itself when it names no question."""
    parts = parse_path(path)
    if parts is None or parts.name not in defn.questions:
        return path
    top = defn.questions[parts.name]
    if parts.index is None:
        return top.display_label
    row = f"{top.display_label} {parts.index + 1}"
    if parts.child is None:
        return row
    child = defn.questions.get(parts.child)
    return f"{row} — {child.display_label if child else parts.child}"


def path_section(defn: Definition, path: str) -> str | None:
    """The name of the section holding the question a path names (a repeat child: its repeat's section)."""
    parts = parse_path(path)
    question = defn.questions.get(parts.name) if parts is not None else None
    return question.section if question is not None else None


def _section_label(defn: Definition, path: str) -> str:
    section = defn.sections_by_name.get(path_section(defn, path) or "")
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
        parts = parse_path(path)
        if parts is None:
            return (len(positions), 0, 0)
        row = parts.index if parts.index is not None else -1
        child = positions.get(parts.child, -1) if parts.child else -1
        return (positions.get(parts.name, len(positions)), row, child)

    return key


def question_at(defn: Definition, path: str) -> Question | None:
    """The question whose answer a path names; None for a row, a repeat, or a child without its row."""
    parts = parse_path(path)
    if parts is None or parts.is_row:
        return None
    top = defn.questions.get(parts.name)
    if top is None or top.repeat is not None:
        return None
    if parts.index is None:
        return top if top.type != "repeat" else None
    child = defn.questions.get(parts.child)
    return child if child is not None and child.repeat == top.name else None
