"""Immutable model of a loaded questionnaire (built only by the loader, which validates it first)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from survey_app.core.expressions import Expression
from survey_app.core.questionnaire.quality import DEFAULT_QUALITY, QualitySettings

ANSWER_TYPES = ("integer", "decimal", "text", "select_one", "select_multiple", "date")
QUESTION_TYPES = ANSWER_TYPES + ("note", "calculate", "repeat")
SELECT_TYPES = ("select_one", "select_multiple")
PREFILL_SOURCES = {"household.members": "integer", "household.ethnic_group": "select_one"}
"""The register's fields a question may start from (``prefill:``), with the question type each one fits."""


@dataclass(frozen=True)
class Rule:
    """One expression attribute: the source text as written and its parsed form."""

    source: str
    expression: Expression

    @property
    def references(self) -> frozenset[str]:
        return self.expression.references

    def compiled(self) -> dict[str, Any]:
        return {"source": self.source, "ast": self.expression.ast}


@dataclass(frozen=True)
class Choice:
    name: str
    label: str


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    label: str | None = None
    hint: str | None = None
    list_name: str | None = None
    required: bool | Rule = False
    constraint: Rule | None = None
    constraint_message: str | None = None
    required_message: str | None = None  # the question's own words when it is left empty
    relevant: Rule | None = None
    calculation: Rule | None = None
    default: Any = None
    read_only: bool = False
    appearance: str | None = None
    repeat_count: Rule | None = None
    children: tuple[Question, ...] = ()
    section: str = ""
    repeat: str | None = None  # name of the enclosing repeat, for repeat children
    prefill: str | None = None  # a PREFILL_SOURCES key: the register field the answer starts from

    @property
    def stores_value(self) -> bool:
        """Whether answers hold a value for this question (notes never do)."""
        return self.type != "note"

    @property
    def is_answerable(self) -> bool:
        return self.type in ANSWER_TYPES

    @property
    def display_label(self) -> str:
        return self.label or self.name

    def rules(self) -> dict[str, Rule]:
        """Expression attributes by attribute name, in a fixed order."""
        found = {
            "relevant": self.relevant,
            "required": self.required if isinstance(self.required, Rule) else None,
            "constraint": self.constraint,
            "calculation": self.calculation,
            "repeat_count": self.repeat_count,
        }
        return {key: rule for key, rule in found.items() if rule is not None}

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name}
        data["type"] = f"{self.type} {self.list_name}" if self.list_name else self.type
        for key in ("label", "hint"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.required is not False:
            data["required"] = self.required.source if isinstance(self.required, Rule) else True
        for key in ("constraint", "relevant", "calculation", "repeat_count"):
            rule = getattr(self, key)
            if rule is not None:
                data[key] = rule.source
        for key in ("constraint_message", "required_message"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.default is not None:
            data["default"] = self.default
        if self.read_only:
            data["read_only"] = True
        if self.appearance is not None:
            data["appearance"] = self.appearance
        if self.prefill is not None:
            data["prefill"] = self.prefill
        if self.type == "repeat":
            data["questions"] = [child.to_data() for child in self.children]
        return data


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    questions: tuple[Question, ...]
    relevant: Rule | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "label": self.label}
        if self.relevant is not None:
            data["relevant"] = self.relevant.source
        data["questions"] = [question.to_data() for question in self.questions]
        return data


@dataclass(frozen=True, eq=False)
class Definition:
    """A validated questionnaire. ``form_id`` + ``version`` name a version; ``content_hash`` detects edits."""

    form_id: str
    title: str
    version: str
    description: str | None
    sections: tuple[Section, ...]
    choice_lists: dict[str, tuple[Choice, ...]]
    questions: dict[str, Question]  # every question in document order, repeat children included
    evaluation_order: tuple[str, ...]  # section and question names, dependencies first
    source: str = field(default="")
    quality: QualitySettings = DEFAULT_QUALITY  # the quality flags' income question and thresholds

    @property
    def calculation_order(self) -> tuple[str, ...]:
        return tuple(name for name in self.evaluation_order
                     if name in self.questions and self.questions[name].type == "calculate")

    def prefilled_from(self, source: str) -> Question | None:
        """The question whose answer starts from the register's ``source`` field (the loader allows one)."""
        return next((q for q in self.questions.values() if q.prefill == source), None)

    @property
    def sections_by_name(self) -> dict[str, Section]:
        return {section.name: section for section in self.sections}

    def to_data(self) -> dict[str, Any]:
        """Canonical plain data; ``definition_from_data(d.to_data(), ...)`` gives an equal definition."""
        data: dict[str, Any] = {"form_id": self.form_id, "title": self.title, "version": self.version}
        if self.description is not None:
            data["description"] = self.description
        data["choices"] = {
            list_name: [{"name": choice.name, "label": choice.label} for choice in choices]
            for list_name, choices in self.choice_lists.items()
        }
        data["sections"] = [section.to_data() for section in self.sections]
        if self.quality != DEFAULT_QUALITY:
            data["quality"] = self.quality.to_data()
        return data

    @cached_property
    def content_hash(self) -> str:
        canonical = json.dumps(self.to_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def compiled(self) -> dict[str, Any]:
        from survey_app.core.questionnaire.compiler import compile_definition

        return compile_definition(self)

    def choice_label(self, question_name: str, value: Any) -> str:
        """Display text of an answer: choice labels for selects (joined by ", "), else the value as text."""
        question = self.questions[question_name]
        if value is None:
            return ""
        if question.type not in SELECT_TYPES:
            return str(value)
        labels = {choice.name: choice.label for choice in self.choice_lists[question.list_name]}
        values = value.split() if isinstance(value, str) and question.type == "select_multiple" else value
        if question.type == "select_one":
            return labels.get(str(value), str(value))
        return ", ".join(labels.get(str(item), str(item)) for item in values)


def required_message(question: Question) -> str:
    return question.required_message or f'Câu "{question.display_label}" là bắt buộc, chưa được trả lời'


def constraint_message(question: Question) -> str:
    return question.constraint_message or f'Giá trị của câu "{question.display_label}" không hợp lệ'
