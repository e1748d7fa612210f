"""The register's household codes: the next free code of a village (used by the field's new-household form and
by households created on a device and sent with their submission).

The format follows the register: a village whose households are ``KT-KPL-01-01-0117`` gets ``…-0118``, one whose
imported list reads ``KT-KPL-01-01.07`` gets ``….08``; an empty village gets ``<village code>-0001``. Codes of the
village in any other shape (``…-A12``, a hand-typed name) are ignored.

Uniqueness under concurrency: the code a household is created with is taken with ``reserve=True`` inside the
transaction that inserts it. That locks the village's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's
writers already hold the database's write lock), so two devices creating a household in one village at the same
moment take turns, and the second reads the first's code once it committed and gives the next number. Without the
lock the second would find its code "already used" (a 422) when the first committed between its read and its
check. The unique key on ``household.code`` stays the last guard (a violation is retried by
``web.register_conflict_retries``). A code only shown as a suggestion is read without the lock.
"""
from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Household

DEFAULT_SEPARATOR = "-"
DEFAULT_WIDTH = 4  # the register's demo data and the province's imports number households 0001, 0002, …


def next_household_code(session: Session, village: Area, *, reserve: bool = False) -> str:
    """The next free code of ``village``: the separator and zero-padded width most used by the numbered codes
    already under the village's code, and the number after the highest of them. ``reserve``: the code a household
    is about to be inserted with (locks the village until the transaction ends; module docstring)."""
    if reserve:
        session.execute(select(Area.id).where(Area.id == village.id).with_for_update())
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
