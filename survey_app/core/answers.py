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
from .questionnaire import Definition, Question, Section, relevance
from .questionnaire.model import SELECT_TYPES

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


def answer_text(value: Any, question: Question | None = None, defn: Definition | None = None, *,
                empty: str = EMPTY) -> str:
    """An answer as people read it: choice labels (given the question and its definition), "Có"/"Không",
    Vietnamese numbers, dd/mm/yyyy dates (given a date question), lists joined by ", "; ``empty`` when unanswered.
    The review page, corrections, the printed sheet and the fieldwork form's shown values all use it (the browser's
    copy is ``shownValue`` in ``static/js/form_view.js``)."""
    if value is None or value == "" or value == []:
        return empty
    if question is not None and defn is not None and question.type in SELECT_TYPES:
        return defn.choice_label(question.name, value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float)):
        return format_answer_number(value)
    if question is not None and question.type == "date" and isinstance(value, str):
        return format_iso_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(answer_text(item, empty="") for item in value if item not in (None, ""))
    return str(value)


@dataclass(frozen=True)
class AppliedRow:
    index: int                      # from 0
    answers: Mapping[str, Any]      # the row's answers
    applied: frozenset[str]         # names of the children that applied in this row


@dataclass(frozen=True)
class Applied:
    """A top-level question that applied, with its answer; a repeat with its rows instead."""

    question: Question
    value: Any = None
    rows: tuple[AppliedRow, ...] = ()


def applied_sections(defn: Definition, answers: Mapping[str, Any], today: str) -> list[tuple[Section, list[Applied]]]:
    """The sections that applied to these answers, each with its questions that applied, in the questionnaire's
    order (relevance evaluated on ``today``): the one walk behind the review page and the printed sheet."""
    applies = relevance(defn, answers, today)
    sections = []
    for section in defn.sections:
        if section.name not in applies:
            continue
        items = []
        for question in section.questions:
            if question.name not in applies:
                continue
            if question.type != "repeat":
                items.append(Applied(question, answers.get(question.name)))
                continue
            rows = []
            for index, row in enumerate(answers.get(question.name) or []):
                applied = frozenset(child.name for child in question.children
                                    if answer_path(question.name, index, child.name) in applies)
                rows.append(AppliedRow(index, row if isinstance(row, Mapping) else {}, applied))
            items.append(Applied(question, rows=tuple(rows)))
        sections.append((section, items))
    return sections


def _shown(question: Question) -> bool:
    """Questions whose value the enumerator saw: answers, and calculations that have a label."""
    return question.is_answerable or (question.type == "calculate" and bool(question.label))


def _line(defn: Definition, question: Question, path: str, value: Any) -> AnswerLine:
    text = answer_text(value, question, defn)
    return AnswerLine(path=path, question=question, text=text, answered=text != EMPTY,
                      computed=question.type == "calculate")


def layout(defn: Definition, answers: Mapping[str, Any], today: str) -> list[SectionView]:
    """Sections that applied, each with the questions that applied, in the questionnaire's order."""
    sections = []
    for section, items in applied_sections(defn, answers, today):
        view = SectionView(section.name, section.label)
        for item in items:
            question = item.question
            if question.type == "repeat":
                rows = [RepeatRow(row.index + 1, [
                    _line(defn, child, answer_path(question.name, row.index, child.name), row.answers.get(child.name))
                    for child in question.children if _shown(child) and child.name in row.applied])
                    for row in item.rows]
                view.items.append(RepeatBlock(question, rows))
            elif _shown(question):
                view.items.append(_line(defn, question, question.name, item.value))
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
                            texts[answer_path(question.name, index, child.name)] = answer_text(
                                (row or {}).get(child.name), child, defn)
            elif _shown(question):
                texts[question.name] = answer_text(answers.get(question.name), question, defn)
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
