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
from ..models import Household, Submission

DUPLICATE_CODE = "duplicate_household"


def duplicate_flag(count: int) -> dict:
    return {"code": DUPLICATE_CODE,
            "message": f"Hộ có {count} phiếu đã gửi trong đợt này; giám sát chọn phiếu được tính"}


def _without_duplicate(flags) -> list:
    return [f for f in (flags or []) if not (isinstance(f, Mapping) and f.get("code") == DUPLICATE_CODE)]


def lock_household(session: Session, submission: Submission) -> None:
    """Serialise everything that changes a household's submissions (saves, decisions, choices) on PostgreSQL:
    lock the household's row for the transaction, then read the submission again, so a decision starts from
    the state the previous one left. SQLite's writers are serialised already (database.py)."""
    if session.get_bind().dialect.name != "postgresql" or submission.id is None:
        return
    session.execute(select(Household.id).where(Household.id == submission.household_id).with_for_update())
    session.refresh(submission)


def household_submissions(session: Session, round_id: int, household_id: int) -> list[Submission]:
    return list(session.scalars(select(Submission).where(Submission.round_id == round_id,
                                                         Submission.household_id == household_id)
                                .order_by(Submission.id)))


def settle(session: Session, submission: Submission) -> set[int]:
    """Make the rule's pick current and flag competing submissions. Returns the ids of the household's other
    submissions whose ``is_current`` changed (their stored results need the new value)."""
    siblings = _with(household_submissions(session, submission.round_id, submission.household_id), submission)
    decision = _decide(siblings)
    changed: set[int] = set()
    losing = [s for n, s in enumerate(siblings) if s.is_current and n != decision.current]
    for other in losing:
        other.is_current = False
        changed.add(other.id)
    if losing and submission.id is not None:
        session.flush()  # the old current is off before the new one is on (one current per household and round;
        # a new submission is inserted after the updates of the same flush)
    for position, other in enumerate(siblings):
        if position == decision.current and not other.is_current:
            other.is_current = True
            changed.add(other.id)
        flags = _without_duplicate(other.flags)
        if position in decision.competing:
            flags.append(duplicate_flag(len(decision.competing)))
        if flags != list(other.flags or []):
            other.flags = flags
    changed.discard(submission.id)
    changed.discard(None)
    return changed


def _with(siblings: list[Submission], submission: Submission) -> list[Submission]:
    """The household's submissions with ``submission`` among them (a new one is not in the database yet)."""
    return siblings if any(s is submission for s in siblings) else siblings + [submission]


def _decide(siblings: list[Submission]):
    """The rule's decision, naming submissions by their position in ``siblings`` (ordered by id, new ones last),
    so a submission not inserted yet takes part too."""
    return decide_current(Candidate(id=n, state=s.state, sent_at=s.submitted_at, updated_at=s.updated_at,
                                    chosen=s.chosen_at is not None) for n, s in enumerate(siblings))


def competition(session: Session, submission: Submission) -> tuple[list[Submission], list[int]]:
    """The household's submissions in the round, and the ids of those competing with this one (for the review
    page), from one query."""
    siblings = _with(household_submissions(session, submission.round_id, submission.household_id), submission)
    decision = _decide(siblings)
    return siblings, [siblings[n].id for n in sorted(decision.competing) if siblings[n] is not submission]
