"""Does an imported definition behave as the workbook? A profile of each side, compared.

The profile counts what decides behaviour: questions by type, conditions (a question's own ``relevant`` or one of
an enclosing group's), constraints, requirements, calculations, choice filters, repeats and languages. It is
computed from pyxform's parsed form on one side and from our ``Definition`` on the other, independently of the
importer, so the bench and the tests can check the importer rather than repeat it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from survey_app.core.questionnaire.model import Definition
from survey_app.core.questionnaire.xlsform import METADATA, PLAIN_TYPES, _select_type
from survey_app.core.questionnaire.xlsform_attributes import referenced_names
from survey_app.core.questionnaire.xlsform_texts import _languages

_FALSE = {"", "false()", "no", "false"}


@dataclass
class Profile:
    types: Counter = field(default_factory=Counter)
    relevant: int = 0
    constraints: int = 0
    required: int = 0
    calculations: int = 0
    choice_filters: int = 0
    repeats: int = 0
    languages: int = 1

    @property
    def questions(self) -> int:
        return sum(self.types.values())

    def differences(self, other: Profile) -> list[str]:
        """What ``other`` (ours) does not reproduce of ``self`` (the workbook), in words."""
        found = []
        if self.types != other.types:
            missing = self.types - other.types
            extra = other.types - self.types
            found.append(f"câu hỏi {self.questions}→{other.questions} (thiếu {dict(missing)}, thừa {dict(extra)})")
        for key in ("relevant", "constraints", "required", "calculations", "choice_filters", "repeats",
                    "languages"):
            if getattr(self, key) != getattr(other, key):
                found.append(f"{key} {getattr(self, key)}→{getattr(other, key)}")
        return found


def pyxform_profile(form: dict[str, Any]) -> Profile:
    profile = Profile(languages=max(1, len(_languages(form))))
    referenced = referenced_names(form)

    def walk(element: dict[str, Any], conditioned: bool) -> None:
        for child in element.get("children", []):
            bind = child.get("bind") or {}
            kind = child["type"]
            here = conditioned or bool(bind.get("relevant"))
            if child.get("name") == "meta" and kind == "group":
                continue
            if kind in ("group", "repeat"):
                profile.repeats += kind == "repeat"
                walk(child, here)
                continue
            if kind in METADATA:
                if child["name"] not in referenced:
                    continue
                kind = "calculate" if kind == "today" else kind
            select, _ = _select_type(kind, child)
            our_type = select or PLAIN_TYPES.get(kind, kind)
            profile.types[our_type] += 1
            profile.relevant += here
            profile.constraints += bool(bind.get("constraint"))
            profile.required += str(bind.get("required", "")).strip().lower() not in _FALSE
            profile.calculations += bool(bind.get("calculate")) or child["type"] == "today"
            profile.choice_filters += bool(child.get("choice_filter"))

    walk(form, False)
    return profile


def definition_profile(definition: Definition) -> Profile:
    profile = Profile()
    for section in definition.sections:
        for question in section.questions:
            _count(profile, question, section.relevant is not None)
    return profile


def _count(profile: Profile, question: Any, conditioned: bool) -> None:
    here = conditioned or question.relevant is not None
    if question.type == "repeat":
        profile.repeats += 1
        for child in question.children:
            _count(profile, child, here)
        return
    profile.types[question.type] += 1
    profile.relevant += here
    profile.constraints += question.constraint is not None
    profile.required += question.required is not False
    profile.calculations += question.calculation is not None
