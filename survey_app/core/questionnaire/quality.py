"""The ``quality:`` block of a questionnaire: the question that holds the household's monthly income per person and
the thresholds of the quality flags (``survey_app/submissions/flags.py``). Format: docs/questionnaires.md.

The block is optional. Without ``income_question`` the income flag is not computed for that questionnaire (there is
no income to compare); the other flags use the defaults of :class:`QualitySettings`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from survey_app.core.questionnaire.model import Question

INCOME_TYPES = ("integer", "decimal", "calculate")
PLACE = "quality"


@dataclass(frozen=True)
class QualitySettings:
    income_question: str | None = None  # None: no income flag
    income_factor: float = 3.0          # income above this many times the commune's median is flagged
    income_min_peers: int = 5           # ... once the commune has at least this many other sent submissions
    seconds_per_answer: float = 4.0     # an interview shorter than this per answer typed is flagged
    identical_min: int = 3              # this many identical answer sets from one enumerator are flagged

    def to_data(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if value is not None}


DEFAULT_QUALITY = QualitySettings()

# key -> (allowed value types, lowest allowed value, Vietnamese description of a valid value)
_NUMBERS: dict[str, tuple[tuple[type, ...], float, str]] = {
    "income_factor": ((int, float), 1, "một số lớn hơn hoặc bằng 1"),
    "income_min_peers": ((int,), 1, "một số nguyên từ 1 trở lên"),
    "seconds_per_answer": ((int, float), 0, "một số không âm (giây)"),
    "identical_min": ((int,), 2, "một số nguyên từ 2 trở lên"),
}


def read_quality(raw: Any, questions: Mapping[str, Question],
                 add: Callable[..., None]) -> QualitySettings:
    """Validate the ``quality`` block against the questionnaire's questions; problems go to ``add(where, message,
    attribute=...)`` (in Vietnamese, naming the key and the value)."""
    if raw is None:
        return DEFAULT_QUALITY
    if not isinstance(raw, Mapping):
        add(None, "phải là bảng khóa–giá trị (income_question, income_factor, ...)", attribute=PLACE)
        return DEFAULT_QUALITY
    known = {"income_question", *_NUMBERS}
    for key in sorted(set(map(str, raw)) - known):
        add(PLACE, f"khóa không xác định '{key}'")
    values: dict[str, Any] = {}
    income = raw.get("income_question")
    if income is not None:
        question = questions.get(income) if isinstance(income, str) else None
        if question is None:
            add(PLACE, f"câu '{income}' không có trong bảng hỏi", attribute="income_question")
        elif question.repeat is not None or question.type not in INCOME_TYPES:
            add(PLACE, f"câu '{income}' phải là câu số (integer, decimal hoặc calculate) ngoài nhóm lặp",
                attribute="income_question")
        else:
            values["income_question"] = income
    for key, (types, lowest, wanted) in _NUMBERS.items():
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, types) or value < lowest:
            add(PLACE, f"giá trị '{value}' không hợp lệ, cần {wanted}", attribute=key)
        else:
            values[key] = float(value) if float in types else value
    return QualitySettings(**values)
