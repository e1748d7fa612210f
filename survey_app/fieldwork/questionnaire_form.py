"""A WTForms form built at run time from a questionnaire Definition, and its conversion to and from answers.

Field names are the question names; a repeat child in row ``i`` is ``<repeat>-<i>-<child>`` (for example
``thanh_vien-0-tuoi``), and every row also posts a marker ``<repeat>-<i>--row`` so that a row whose inputs are
all unanswered choices still counts. Those names cannot collide with question names, which never contain ``-``.

The form is a ``BaseForm`` (fields kept in ``form[name]`` only), so that a question called ``data`` or
``validate`` cannot shadow a form method. It does no validation of its own: the submission service checks the
answers with ``validate_answers``, the single authority shared with the API.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.core.answer_paths import answer_path
from survey_app.core.formatting import format_iso_date
from survey_app.core.questionnaire import AnswerValueError, Definition, Question, coerce_value

SEPARATOR = "-"
INDEX_PLACEHOLDER = "__index__"
LONG_LIST = 10
"""A select_one with more choices than this is shown as a drop-down instead of radio buttons."""

_DEFAULT_META = DefaultMeta()


def row_prefix(repeat: str, index: int | str) -> str:
    return f"{repeat}{SEPARATOR}{index}{SEPARATOR}"


def field_name(question: Question, index: int | str | None = None) -> str:
    """The posted name of a question: its name, or ``<repeat>-<index>-<name>`` inside a repeat."""
    if question.repeat is None:
        return question.name
    return row_prefix(question.repeat, index) + question.name


def question_path(question: Question, index: int | str | None = None) -> str:
    """The path the answer checker uses for errors: ``tuoi`` or ``thanh_vien[0].tuoi``."""
    return question.name if question.repeat is None else answer_path(question.repeat, index, question.name)


def dom_id(path: str) -> str:
    """An HTML id for an answer path: ``thanh_vien[0].tuoi`` -> ``q-thanh_vien-0-tuoi``."""
    return "q-" + re.sub(r"[\[\].]+", SEPARATOR, path).strip(SEPARATOR)


def uses_dropdown(question: Question, choice_count: int) -> bool:
    return "minimal" in (question.appearance or "").split() or choice_count > LONG_LIST


def _unbound_field(defn: Definition, question: Question):
    """The WTForms field of one answerable question (labels are rendered by the template)."""
    render_kw: dict[str, Any] = {"autocomplete": "off"}
    if question.read_only:
        render_kw["readonly"] = True
    kind = question.type
    if kind == "integer":
        return StringField(question.display_label, render_kw={**render_kw, "inputmode": "numeric"})
    if kind == "decimal":
        return StringField(question.display_label, render_kw={**render_kw, "inputmode": "decimal"})
    if kind == "date":
        # A text box, not <input type=date> (which follows the browser's language: mm/dd/yyyy on an English
        # tablet): always dd/mm/yyyy, the slashes put in by form_view.js; the server reads both forms.
        return StringField(question.display_label, render_kw={**render_kw, "inputmode": "numeric", "maxlength": 10,
                                                              "placeholder": "dd/mm/yyyy", "data-date": "1"})
    if kind == "text":
        if "multiline" in (question.appearance or "").split():
            return TextAreaField(question.display_label, render_kw=render_kw)
        return StringField(question.display_label, render_kw=render_kw)
    choices = [SelectChoice(choice.name, choice.label) for choice in defn.choice_lists[question.list_name]]
    if kind == "select_one":
        if uses_dropdown(question, len(choices)):
            return SelectField(question.display_label, choices=[SelectChoice("", "— Chọn —")] + choices, validate_choice=False)
        return RadioField(question.display_label, choices=choices, validate_choice=False)
    if kind == "select_multiple":
        return SelectMultipleField(question.display_label, choices=choices, validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    raise ValueError(f"question type {kind!r} has no input field")


class QuestionnaireForm(BaseForm):
    """The fields of one questionnaire for given repeat rows. Subclasses are made by ``questionnaire_form_class``."""

    definition: Definition

    def __init__(self, rows: Mapping[str, Sequence[int]] | None = None):
        defn = self.definition
        self.rows = {name: list(indices) for name, indices in (rows or {}).items()}
        fields: list[tuple[str, Any]] = []
        for question in defn.questions.values():
            if question.repeat is None and question.is_answerable:
                fields.append((question.name, _unbound_field(defn, question)))
            elif question.type == "repeat":
                for index in self.rows.get(question.name, []):
                    for child in question.children:
                        if child.is_answerable:
                            fields.append((field_name(child, index), _unbound_field(defn, child)))
        super().__init__(fields, meta=_DEFAULT_META)

    def field_for(self, question: Question, index: int | None = None) -> Field | None:
        name = field_name(question, index)
        return self._fields.get(name)

    def row_template(self, repeat: Question) -> dict[str, Field]:
        """Fields of one row named with ``__index__``, for the browser to copy when it adds a row."""
        unbound = [(field_name(child, INDEX_PLACEHOLDER), _unbound_field(self.definition, child))
                   for child in repeat.children if child.is_answerable]
        template = BaseForm(unbound, meta=_DEFAULT_META)
        template.process(None)
        return {child.name: template[field_name(child, INDEX_PLACEHOLDER)]
                for child in repeat.children if child.is_answerable}


_FORM_CLASSES: dict[str, type[QuestionnaireForm]] = {}


def questionnaire_form_class(defn: Definition) -> type[QuestionnaireForm]:
    """The form class of a definition, built once per content hash."""
    cls = _FORM_CLASSES.get(defn.content_hash)
    if cls is None:
        cls = type(f"QuestionnaireForm_{defn.form_id}", (QuestionnaireForm,), {"definition": defn})
        _FORM_CLASSES[defn.content_hash] = cls
    return cls


# -- posted data -> form -> answers ---------------------------------------------------------------------------

def posted_rows(defn: Definition, formdata: Mapping[str, Any]) -> dict[str, list[int]]:
    """Row indices present in a post, per repeat, in order."""
    found: dict[str, set[int]] = {}
    repeats = {name for name, question in defn.questions.items() if question.type == "repeat"}
    for key in formdata.keys():
        parts = key.split(SEPARATOR, 2)
        if len(parts) == 3 and parts[0] in repeats and parts[1].isdigit():
            found.setdefault(parts[0], set()).add(int(parts[1]))
    return {name: sorted(indices) for name, indices in found.items()}


def form_from_post(defn: Definition, formdata) -> QuestionnaireForm:
    form = questionnaire_form_class(defn)(posted_rows(defn, formdata))
    form.process(formdata)
    return form


def answers_from_form(form: QuestionnaireForm) -> dict[str, Any]:
    """The raw answers dict for the submission service: blanks left out, repeat rows as lists of dicts."""
    defn = form.definition
    answers: dict[str, Any] = {}
    for question in defn.questions.values():
        if question.repeat is None and question.is_answerable:
            value = _field_value(form[question.name])
            if value is not None:
                answers[question.name] = value
        elif question.type == "repeat" and question.name in form.rows:
            rows = []
            for index in form.rows[question.name]:
                row = {}
                for child in question.children:
                    field = form.field_for(child, index)
                    value = _field_value(field) if field is not None else None
                    if value is not None:
                        row[child.name] = value
                rows.append(row)
            answers[question.name] = rows
    return answers


def _field_value(field: Field) -> Any:
    value = field.data
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, (list, tuple)):
        items = [item for item in value if item]
        return items or None
    return value


# -- answers -> form ------------------------------------------------------------------------------------------

def form_from_answers(defn: Definition, answers: Mapping[str, Any] | None,
                      row_counts: Mapping[str, int] | None = None, *,
                      starting: Mapping[str, Any] | None = None) -> QuestionnaireForm:
    """A form showing stored answers; without answers (first opening) the ``starting`` answers (the register's,
    ``core.questionnaire.register_answers``) and the other questions' defaults are shown.

    ``row_counts`` gives the number of rows to show for repeats that have no stored rows.
    """
    first_opening = not answers
    answers = dict(answers or starting or {})
    rows: dict[str, list[int]] = {}
    data: dict[str, Any] = {}
    for question in defn.questions.values():
        if question.type == "repeat":
            stored = answers.get(question.name) or []
            count = len(stored) if stored else int((row_counts or {}).get(question.name, 0))
            rows[question.name] = list(range(count))
            for index in range(count):
                row = stored[index] if index < len(stored) and isinstance(stored[index], Mapping) else {}
                for child in question.children:
                    if child.is_answerable:
                        value = row.get(child.name, child.default if first_opening else None)
                        data[field_name(child, index)] = display_value(defn, child, value)
        elif question.repeat is None and question.is_answerable:
            value = answers.get(question.name, question.default if first_opening else None)
            data[question.name] = display_value(defn, question, value)
    form = questionnaire_form_class(defn)(rows)
    form.process(None, data=data)
    return form


def display_value(defn: Definition, question: Question, value: Any) -> Any:
    """A stored answer as the input shows it: numbers as text (decimal comma), choices as names."""
    if value is None:
        return [] if question.type == "select_multiple" else None
    if question.type in ("select_one", "select_multiple"):
        names = [choice.name for choice in defn.choice_lists[question.list_name]]
        try:
            value = coerce_value(question.type, value, names)
        except AnswerValueError:
            return [] if question.type == "select_multiple" else None
        return value or ([] if question.type == "select_multiple" else None)
    if question.type == "date" and isinstance(value, str):
        return format_iso_date(value)
    if question.type == "decimal" and isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return str(int(value))
        return repr(float(value)).replace(".", ",")
    return str(value)
