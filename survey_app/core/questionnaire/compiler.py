"""The browser/API form of a definition: plain JSON with every expression pre-parsed.

Shape (see docs/questionnaires.md, "Compiled form"):
``{"form_id", "title", "version", "description", "content_hash", "sections": [...], "evaluation_order": [...],
"calculation_order": [...]}``; each section ``{"name", "label", "relevant", "questions": [...]}``; each question
carries every attribute (absent ones as null), choices inlined, and the final messages to show.
"""

from __future__ import annotations

from typing import Any

from survey_app.core.questionnaire.model import (
    Definition,
    Question,
    Rule,
    constraint_message,
    required_message,
)


def compile_definition(defn: Definition) -> dict[str, Any]:
    return {
        "form_id": defn.form_id,
        "title": defn.title,
        "version": defn.version,
        "description": defn.description,
        "content_hash": defn.content_hash,
        "sections": [
            {
                "name": section.name,
                "label": section.label,
                "relevant": _rule(section.relevant),
                "questions": [_question(defn, question) for question in section.questions],
            }
            for section in defn.sections
        ],
        "evaluation_order": list(defn.evaluation_order),
        "calculation_order": list(defn.calculation_order),
    }


def _rule(rule: Rule | None) -> dict[str, Any] | None:
    return rule.compiled() if rule is not None else None


def _question(defn: Definition, question: Question) -> dict[str, Any]:
    required = question.required
    compiled: dict[str, Any] = {
        "name": question.name,
        "type": question.type,
        "label": question.label,
        "hint": question.hint,
        "section": question.section,
        "repeat": question.repeat,
        "list_name": question.list_name,
        "choices": [{"name": choice.name, "label": choice.label}
                    for choice in defn.choice_lists[question.list_name]] if question.list_name else None,
        "required": _rule(required) if isinstance(required, Rule) else required,
        "required_message": required_message(question) if question.is_answerable else None,
        "constraint": _rule(question.constraint),
        "constraint_message": constraint_message(question) if question.constraint is not None else None,
        "relevant": _rule(question.relevant),
        "calculation": _rule(question.calculation),
        "default": question.default,
        "read_only": question.read_only,
        "appearance": question.appearance,
        "repeat_count": _rule(question.repeat_count),
        "prefill": question.prefill,
    }
    if question.type == "repeat":
        compiled["questions"] = [_question(defn, child) for child in question.children]
    return compiled
