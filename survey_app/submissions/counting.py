"""Apply the counting rule (``core/counting.py``) to a household's submissions in a round, in the database.

``settle(session, submission)`` reads the household's submissions in the round (one query), decides which one is
current and which compete, and writes only what changed: ``is_current`` (first the old current off, then the new
one on, so the unique partial index never sees two), and the ``duplicate_household`` flag on the competing ones.
It returns the ids whose state or ``is_current`` the stored results must copy.
"""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.counting import Candidate, decide_current
from ..models import Submission

DUPLICATE_CODE = "duplicate_household"


def duplicate_flag(count: int) -> dict:
    return {"code": DUPLICATE_CODE,
            "message": f"Hộ có {count} phiếu đã gửi trong đợt này; giám sát chọn phiếu được tính"}


def _without_duplicate(flags) -> list:
    return [f for f in (flags or []) if not (isinstance(f, Mapping) and f.get("code") == DUPLICATE_CODE)]


def household_submissions(session: Session, round_id: int, household_id: int) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.round_id == round_id,
                                                         Submission.household_id == household_id)
                                .order_by(Submission.id)))


def settle(session: Session, submission: Submission) -> set[int]:
    """Make the rule's pick current and flag competing submissions. Returns the ids of the household's other
    submissions whose ``is_current`` changed (their stored results need the new value)."""
    session.flush()
    siblings = household_submissions(session, submission.round_id, submission.household_id)
    decision = decide_current(Candidate(id=s.id, state=s.state, sent_at=s.submitted_at, updated_at=s.updated_at,
                                        chosen=s.chosen_at is not None) for s in siblings)
    changed: set[int] = set()
    losing = [s for s in siblings if s.is_current and s.id != decision.current]
    for other in losing:
        other.is_current = False
        changed.add(other.id)
    if losing:
        session.flush()  # the old current is off before the new one is on (one current per household and round)
    for other in siblings:
        if other.id == decision.current and not other.is_current:
            other.is_current = True
            changed.add(other.id)
        flags = _without_duplicate(other.flags)
        if other.id in decision.competing:
            flags.append(duplicate_flag(len(decision.competing)))
        if flags != list(other.flags or []):
            other.flags = flags
    changed.discard(submission.id)
    return changed


def competing_ids(session: Session, submission: Submission) -> list[int]:
    """The household's other sent submissions that compete with this one (for the review page)."""
    siblings = household_submissions(session, submission.round_id, submission.household_id)
    decision = decide_current(Candidate(id=s.id, state=s.state, sent_at=s.submitted_at, updated_at=s.updated_at,
                                        chosen=s.chosen_at is not None) for s in siblings)
    return [i for i in decision.competing if i != submission.id]
