"""Which submission counts for a household in a round: the one rule, in plain Python.

A household may have several submissions in a round: a tablet lost its draft and the interview was sent again
under a new UUID, a first submission was rejected ("nhầm hộ") and a correct one followed, or two devices
surveyed the same household. Exactly one of them is *current*: it is the one the enumerator's home shows, the
one the reports count (when its state is counted) and the one the household export carries. The rule:

1. A submission that was sent and not rejected (``SENT``: submitted, edited, returned or approved) always beats
   a draft or a rejected one: a later sent submission replaces a lost draft or a rejected one as current.
2. Among sent submissions, the one a supervisor chose ("phiếu này được tính") counts.
3. Without a choice, an approved one beats one awaiting review, then the earliest sent one counts.
4. With nothing sent, the latest draft is current (the enumerator is working on it), else the latest rejected.

Two or more sent submissions without a choice *compete*: each gets the ``duplicate_household`` flag, so the
supervisor sees them and chooses; until then the household still counts once, with the rule's pick.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .review_states import SENT_STATES

_EPOCH = datetime.min


@dataclass(frozen=True)
class Candidate:
    """What the rule needs to know of one submission of a household in a round."""

    id: int
    state: str
    sent_at: datetime | None = None  # when it was (last) submitted
    updated_at: datetime | None = None
    chosen: bool = False  # a supervisor chose it as the one that counts


@dataclass(frozen=True)
class Decision:
    current: int | None
    competing: frozenset[int]  # sent submissions awaiting the supervisor's choice (empty when settled)


def _naive(moment: datetime | None) -> datetime:
    if moment is None:
        return _EPOCH
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(None).replace(tzinfo=None)


def decide_current(candidates: Iterable[Candidate]) -> Decision:
    """Apply the rule of the module docstring to one household's submissions in one round."""
    items = list(candidates)
    if not items:
        return Decision(None, frozenset())
    sent = [c for c in items if c.state in SENT_STATES]
    if sent:
        chosen = [c for c in sent if c.chosen]
        if chosen:
            return Decision(chosen[0].id, frozenset())
        best = min(sent, key=lambda c: (c.state != "approved", _naive(c.sent_at or c.updated_at), c.id))
        return Decision(best.id, frozenset(c.id for c in sent) if len(sent) > 1 else frozenset())
    drafts = [c for c in items if c.state == "draft"]
    pool = drafts or items
    latest = max(pool, key=lambda c: (_naive(c.updated_at), c.id))
    return Decision(latest.id, frozenset())
