"""The register's household codes: the next free code of a village (used by the field's new-household form and
by households created on a device and sent with their submission).

The format follows the register: a village whose households are ``KT-KPL-01-01-0117`` gets ``…-0118``, one whose
imported list reads ``KT-KPL-01-01.07`` gets ``….08``; an empty village gets ``<village code>-0001``. Codes of the
village in any other shape (``…-A12``, a hand-typed name) are ignored.

Uniqueness under concurrency: call it inside the transaction that inserts the household. Two devices creating a
household in one village at the same moment compute the same code; the second insert hits the unique key on
``household.code``, which ``web.register_conflict_retries`` treats as transient and runs the request again from a
fresh transaction, where this function sees the first household and gives the next number.
"""
from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Household

DEFAULT_SEPARATOR = "-"
DEFAULT_WIDTH = 4  # the register's demo data and the province's imports number households 0001, 0002, …


def next_household_code(session: Session, village: Area) -> str:
    """The next free code of ``village``: the separator and zero-padded width most used by the numbered codes
    already under the village's code, and the number after the highest of them."""
    used = session.scalars(select(Household.code).where(Household.code.startswith(village.code, autoescape=True)))
    return following_code(village.code, list(used))


def following_code(village_code: str, codes: list[str]) -> str:
    """The code after the highest numbered one of ``codes`` (see ``next_household_code``); no database."""
    pattern = re.compile(re.escape(village_code) + r"([-._]?)(\d+)\Z")
    numbered = [(m.group(1), m.group(2)) for code in codes if (m := pattern.match(code))]
    if not numbered:
        return f"{village_code}{DEFAULT_SEPARATOR}{1:0{DEFAULT_WIDTH}d}"
    separators = Counter(separator for separator, _ in numbered)
    separator = max(separators, key=lambda s: (separators[s], max(int(n) for sep, n in numbered if sep == s)))
    digits = [n for sep, n in numbered if sep == separator]
    widths = Counter(len(n) for n in digits)
    width = max(widths, key=lambda w: (widths[w], w))
    highest = max(int(n) for n in digits)
    return f"{village_code}{separator}{highest + 1:0{width}d}"
