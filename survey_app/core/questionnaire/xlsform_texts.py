"""The texts of an XLSForm (labels, hints, messages) in the one language our definitions keep.

pyxform gives a text either as a string or, when the workbook has ``label::Language`` columns, as a dict by
language (``default`` for a column without one). Vietnamese is kept when present, else the form's
``default_language``, else the language-less column, else the first language. A second language is a difference:
our definitions cannot carry it.
"""

from __future__ import annotations

import re
from typing import Any

from survey_app.core.questionnaire.xlsform_issues import Differences

_VIETNAMESE = re.compile(r"\(vi\)|vietnamese|tiếng việt|^vi$", re.IGNORECASE)
_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_TEXT_KEYS = {"label", "hint", "jr:constraintMsg", "jr:requiredMsg"}


class Texts:
    """``written`` holds the cells of the row being read, as written: pyxform straightens every “quote”, and a
    text whose straightened form is pyxform's is given back as written (Vietnamese labels quote with “ ”)."""

    def __init__(self, form: dict[str, Any], differences: Differences):
        self.written: dict[str, str] = {}
        languages = sorted(_languages(form))
        self.language = _choose(languages, str(form.get("default_language") or ""))
        others = [language for language in languages if language != self.language]
        if others:
            shown = ", ".join(f"'{language}'" for language in others)
            differences.add("survey", None, "label", None,
                            f"biểu mẫu có {len(languages)} ngôn ngữ; định nghĩa chỉ giữ một ngôn ngữ "
                            f"('{self.language}'): xóa các cột nhãn của {shown}")

    def pick(self, text: Any) -> str | None:
        if text is None or text == "":
            return None
        if not isinstance(text, dict):
            return self.as_written(str(text).strip()) or None
        if text.get(self.language):
            return self.as_written(str(text[self.language]).strip())
        return next((self.as_written(str(value).strip()) for value in text.values() if str(value).strip()), None)

    def as_written(self, text: str) -> str:
        for cell in self.written.values():
            if cell != text and " ".join(cell.translate(_STRAIGHT).split()) == text:
                return cell
        return text


def _choose(languages: list[str], default_language: str) -> str:
    for language in languages:
        if _VIETNAMESE.search(language):
            return language
    if default_language in languages:
        return default_language
    if "default" in languages:
        return "default"
    return languages[0] if languages else "default"


def _languages(element: Any) -> set[str]:
    """Languages that hold at least one text anywhere in the form (labels, hints, messages, choices)."""
    found: set[str] = set()
    if isinstance(element, dict):
        for key, value in element.items():
            if key in _TEXT_KEYS and isinstance(value, dict):
                found |= {language for language, text in value.items() if str(text).strip()}
            elif isinstance(value, (dict, list)):
                found |= _languages(value)
    elif isinstance(element, list):
        for value in element:
            found |= _languages(value)
    return found
