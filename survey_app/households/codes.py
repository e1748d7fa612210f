"""The register's household codes: the next free code of a village (used by the field's new-household form and
by households created on a device and sent with their submission)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Area, Household


def next_household_code(session: Session, village: Area) -> str:
    """The next free code ``<village code>-NNN`` after the highest number already used in that pattern."""
    prefix = f"{village.code}-"
    pattern = re.compile(re.escape(prefix) + r"(\d+)\Z")
    used = session.scalars(select(Household.code).where(Household.code.startswith(prefix, autoescape=True)))
    highest = max((int(m.group(1)) for code in used if (m := pattern.match(code))), default=0)
    return f"{prefix}{highest + 1:03d}"
