"""Questions the register already answers (``prefill:`` in a definition): the answers a new submission starts
with, and the register value an answer holds. Plain Python, shared by the web form and the member-count
write-back; the browser and offline app read the same ``prefill`` key from the compiled definition."""

from __future__ import annotations

from typing import Any

from survey_app.core.questionnaire.model import PREFILL_SOURCES, Definition
from survey_app.core.questionnaire.values import AnswerValueError, coerce_value


def register_answers(defn: Definition, register: dict[str, Any]) -> dict[str, Any]:
    """The initial answers of a household's new submission: for each question with ``prefill: <field>``, the
    register's value of that field (``register`` maps ``household.members`` etc. to values), when it is a valid
    answer of the question (an ethnic group outside the question's choices is left for the enumerator)."""
    answers: dict[str, Any] = {}
    for source in PREFILL_SOURCES:
        question = defn.prefilled_from(source)
        if question is None or register.get(source) is None:
            continue
        choices = [c.name for c in defn.choice_lists[question.list_name]] if question.list_name else []
        try:
            answers[question.name] = coerce_value(question.type, register[source], choices)
        except AnswerValueError:
            continue
    return answers


def answered_register_value(defn: Definition, source: str, answers: dict[str, Any]) -> Any:
    """The value the answers give for the register's ``source`` field (None: no such question, or unanswered)."""
    question = defn.prefilled_from(source)
    return None if question is None else answers.get(question.name)
