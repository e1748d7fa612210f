"""Helpers the questionnaire template uses: `${name}` in labels, shown values of calculations, error placement."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from survey_app.core.formatting import format_answer_number
from survey_app.core.questionnaire import Definition

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


def shown_value(value: Any) -> str:
    """An answer or a calculated value as text for the enumerator (Vietnamese number format)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float)):
        return format_answer_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(shown_value(item) for item in value if item not in (None, ""))
    return str(value)


def interpolate(text: str | None, answers: Mapping[str, Any], row: Mapping[str, Any] | None = None) -> Markup:
    """Escape ``text`` and turn each ``${name}`` into a span the browser runtime keeps up to date."""
    if not text:
        return Markup("")
    parts, last = [], 0
    for match in REFERENCE.finditer(text):
        parts.append(escape(text[last:match.start()]))
        name = match.group(1)
        value = row.get(name) if row is not None and name in row else answers.get(name)
        parts.append(Markup('<span class="ref" data-ref="{}">{}</span>').format(name, shown_value(value)))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def error_section(defn: Definition, path: str) -> str | None:
    """The section holding the question an error path names (``thanh_vien[1].tuoi`` -> its repeat's section)."""
    name = path.split("[", 1)[0].split(".", 1)[0]
    question = defn.questions.get(name)
    return question.section if question is not None else None


def error_label(defn: Definition, path: str) -> str:
    """A Vietnamese name for the place of an error, for the summary at the top of the form."""
    match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\](?:\.([A-Za-z_][A-Za-z0-9_]*))?)?", path)
    if not match or match.group(1) not in defn.questions:
        return path
    repeat_or_question = defn.questions[match.group(1)]
    if match.group(2) is None:
        return repeat_or_question.display_label
    where = f"{repeat_or_question.display_label} {int(match.group(2)) + 1}"
    child = defn.questions.get(match.group(3) or "")
    return f"{where} — {child.display_label}" if child is not None else where
