"""A definition written back as an XLSForm workbook, so that province staff can edit it in Excel and import it
again: every section is a top-level ``begin group`` (``field-list``: one screen), a repeat a ``begin repeat``.
What XLSForm has no column for travels in the ``settings`` sheet, which pyxform passes through: ``description``,
the ``quality:`` block as ``quality_<key>`` columns and each ``prefill`` as ``prefill_<source>`` (the source's dot
as ``_``) naming its question; ``import_xlsform`` reads them back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from survey_app.core.questionnaire.model import PREFILL_SOURCES, Definition, Question, Rule

SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                  "required_message", "calculation", "default", "read_only", "appearance", "repeat_count")
QUALITY_PREFIX = "quality_"
PREFILL_SETTINGS = {f"prefill_{source.replace('.', '_')}": source for source in PREFILL_SOURCES}


def write_xlsform(definition: Definition, path: str | Path) -> Path:
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for section in definition.sections:
        survey.append(_row(type="begin group", name=section.name, label=section.label,
                           relevant=_source(section.relevant), appearance="field-list"))
        for question in section.questions:
            _question_rows(survey, question)
        survey.append(_row(type="end group"))
    choices = workbook.create_sheet("choices")
    choices.append(("list_name", "name", "label"))
    for list_name, items in definition.choice_lists.items():
        for choice in items:
            choices.append((list_name, choice.name, choice.label))
    # clean_text_values=no: pyxform would otherwise straighten the “quotes” of Vietnamese labels
    settings = {"form_id": definition.form_id, "form_title": definition.title, "version": definition.version,
                "clean_text_values": "no"}
    if definition.description is not None:
        settings["description"] = definition.description
    if "quality" in (data := definition.to_data()):
        settings.update({f"{QUALITY_PREFIX}{key}": value for key, value in data["quality"].items()})
    for key, source in PREFILL_SETTINGS.items():
        if (question := definition.prefilled_from(source)) is not None:
            settings[key] = question.name
    sheet = workbook.create_sheet("settings")
    sheet.append(tuple(settings))
    sheet.append(tuple(settings.values()))
    workbook.save(path)
    return Path(path)


def quality_from_settings(form: dict[str, Any]) -> dict[str, Any] | None:
    """The ``quality:`` block from the ``quality_<key>`` settings an export wrote (numbers back to numbers)."""
    found = {key[len(QUALITY_PREFIX):]: _number(value) for key, value in form.items()
             if key.startswith(QUALITY_PREFIX)}
    if "income_question" in found:
        found["income_question"] = str(form[f"{QUALITY_PREFIX}income_question"])
    return found or None


def prefill_from_settings(form: dict[str, Any]) -> dict[str, str]:
    """Question name -> the register field it starts from, as the ``prefill_<source>`` settings an export wrote."""
    return {str(form[key]): source for key, source in PREFILL_SETTINGS.items() if form.get(key)}


def _question_rows(sheet: Any, question: Question) -> None:
    if question.type == "repeat":
        sheet.append(_row(type="begin repeat", name=question.name, label=question.label, hint=question.hint,
                          relevant=_source(question.relevant), repeat_count=_source(question.repeat_count),
                          appearance=question.appearance))
        for child in question.children:
            _question_rows(sheet, child)
        sheet.append(_row(type="end repeat"))
        return
    required = question.required
    sheet.append(_row(
        type=f"{question.type} {question.list_name}" if question.list_name else question.type,
        name=question.name, label=question.label, hint=question.hint,
        required="yes" if required is True else _source(required) if isinstance(required, Rule) else None,
        relevant=_source(question.relevant), constraint=_source(question.constraint),
        constraint_message=question.constraint_message, required_message=question.required_message,
        calculation=_source(question.calculation),
        default=_default(question.default), read_only="yes" if question.read_only else None,
        appearance=question.appearance))


def _row(**cells: Any) -> tuple[Any, ...]:
    return tuple(cells.get(column) for column in SURVEY_COLUMNS)


def _source(rule: Rule | None) -> str | None:
    return rule.source if rule is not None else None


def _default(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    return str(value)


def _number(value: Any) -> Any:
    text = str(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
