"""Questionnaire definitions in the spirit of XLSForm: load/validate YAML, compile for the browser, check answers,
import XLSForm workbooks. Plain Python (no Flask, no database). Format reference: docs/questionnaires.md."""

from survey_app.core.questionnaire.answers import AnswerCheck, relevance, validate_answers
from survey_app.core.questionnaire.loader import definition_from_data, load_definition
from survey_app.core.questionnaire.model import Choice, Definition, Question, Rule, Section
from survey_app.core.questionnaire.prefill import answered_register_value, register_answers
from survey_app.core.questionnaire.problems import DefinitionError, DefinitionProblem
from survey_app.core.questionnaire.quality import QualitySettings
from survey_app.core.questionnaire.values import AnswerValueError, coerce_value
from survey_app.core.questionnaire.xlsform import import_xlsform

__all__ = [
    "AnswerCheck",
    "AnswerValueError",
    "Choice",
    "Definition",
    "DefinitionError",
    "DefinitionProblem",
    "QualitySettings",
    "Question",
    "Rule",
    "Section",
    "answered_register_value",
    "coerce_value",
    "definition_from_data",
    "import_xlsform",
    "load_definition",
    "register_answers",
    "relevance",
    "validate_answers",
]
