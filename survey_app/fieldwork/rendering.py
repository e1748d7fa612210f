"""Helpers the questionnaire template uses: `${name}` in labels, shown values of calculations."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from survey_app.core.answers import answer_text

REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


def shown_value(value: Any) -> str:
    """An answer or a calculated value as text for the enumerator, as the browser shows it (``shownValue``): codes,
    not choice labels; "" when empty."""
    return answer_text(value, empty="")


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

