"""The ONE place where a criterion's or an outcome's result becomes a word a commune clerk reads.

"Đạt / Không đạt" reads well for a good thing ("Đạt — Có ti vi") and backwards for a bad one: "Đạt — Thiếu hụt dinh
dưỡng" means the household *is* deprived, "Hộ nghèo … Đạt" means it is counted poor. So the words follow the label:

- a deprivation indicator (label starting "Thiếu hụt …") is "Thiếu hụt" / "Không thiếu hụt"; but a condition on
  few deprivations ("Thiếu hụt dưới 3 chỉ số") is "Đúng" / "Không đúng": "Thiếu hụt" would read as its opposite;
- an outcome naming a household category ("Hộ nghèo …", "Hộ cận nghèo …", "Hộ có mức sống trung bình …") is
  "Thuộc diện hộ nghèo" / "Không thuộc diện";
- anything else is "Đạt" / "Không đạt".

Rulesets are configuration: a new deprivation indicator or category gets its words from how it is labelled, with
no code change, and results stored before this wording existed read the same way (only labels are needed).
"""
from __future__ import annotations

import re

MET_WORD, NOT_MET_WORD, UNKNOWN_WORD = "Đạt", "Không đạt", "Chưa xác định"
DEPRIVED_WORD, NOT_DEPRIVED_WORD = "Thiếu hụt", "Không thiếu hụt"
NOT_IN_CATEGORY_WORD = "Không thuộc diện"
TRUE_WORD, NOT_TRUE_WORD = "Đúng", "Không đúng"
NOT_IN_POPULATION_WORD = "Không thuộc đối tượng"

_DEPRIVATION = re.compile(r"^\s*thiếu hụt\b", re.IGNORECASE)
_FEW_DEPRIVATIONS = re.compile(r"^\s*thiếu hụt (dưới|không quá|ít hơn)\b", re.IGNORECASE)
# "Hộ nghèo (tính tạm theo …)" -> "hộ nghèo": the category, without its parenthesised note
_CATEGORY = re.compile(r"^\s*(hộ (?:nghèo|cận nghèo|(?:có )?mức sống [^(,;:]*))", re.IGNORECASE)


def verdict_words(label: str, *, outcome: bool = False) -> tuple[str, str]:
    """(word when it holds, word when it does not) for a criterion, or for an outcome with ``outcome=True``."""
    if _FEW_DEPRIVATIONS.match(label):
        return TRUE_WORD, NOT_TRUE_WORD
    if _DEPRIVATION.match(label):
        return DEPRIVED_WORD, NOT_DEPRIVED_WORD
    category = _CATEGORY.match(label) if outcome else None
    if category:
        name = category.group(1).strip()
        return f"Thuộc diện {name[0].lower()}{name[1:]}", NOT_IN_CATEGORY_WORD
    return MET_WORD, NOT_MET_WORD


def criterion_verdict(label: str, held: bool | None) -> str:
    """A criterion's result: held True / False, or None when it could not be evaluated."""
    if held is None:
        return UNKNOWN_WORD
    yes, no = verdict_words(label)
    return yes if held else no


def outcome_verdict(label: str, status: str) -> str:
    """An outcome's stored status (``met``, ``not_met``, ``not_in_population``) in words."""
    if status == "not_in_population":
        return NOT_IN_POPULATION_WORD
    yes, no = verdict_words(label, outcome=True)
    return yes if status == "met" else no
