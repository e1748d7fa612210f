"""What happens after each event in a submission's life: ONE table of handlers (after ODK Central's
``lib/worker/jobs.js``), run synchronously in the request's transaction.

The producers (the save service, review decisions, corrections, the supervisor's choice) only build an
``Event`` and call ``emit``; they never call the consumers. To make something happen after an event, add a
handler to ``HANDLERS``. Handlers run in the listed order with autoflush off, share the event, and flush only
when they need the database to hold their work (stored scores need the submission's id); the caller's transaction boundary commits or rolls everything back together.

| event         | raised by                                           | handlers                                        |
|---------------|-----------------------------------------------------|-------------------------------------------------|
| draft_saved   | save service: a new or updated draft                | audit, count, sync                              |
| submitted     | save service: a draft sent, or a new sent one       | audit, fingerprint, count, flags, income, score,|
|               |                                                     | village summary, income summary                 |
| resubmitted   | save service: a returned submission sent again      | (as submitted)                                  |
| corrected     | decisions.correct: a supervisor's new version       | (as submitted)                                  |
| reviewed      | decisions.decide / bulk_approve / its undo          | audit, count, register members, income, sync,   |
|               |                                                     | village summary, income summary                 |
| chosen        | decisions.choose_counted: "phiếu này được tính"      | audit, count, register members, sync,           |
|               |                                                     | village summary                                 |

Every event starts by remembering the household's current results and ends (before the income summary) by
adding their change to the village summary (reports/summary.py) that the reports read.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from ..core.questionnaire import answered_register_value
from ..households.service import write_back_members
from ..models import Submission, User, record_rows
from ..reports import summary
from ..results.store import PreparedScores, store_score, sync_states
from ..surveys.versions import get_definition
from . import counting, flags, stats


@dataclass
class AuditLine:
    action: str
    summary: str
    before: Any = None
    after: Any = None


@dataclass
class Event:
    name: str
    submission: Submission
    user: User | None
    audit: list[AuditLine] = field(default_factory=list)
    # Filled in by the handlers for the ones after them:
    changed_siblings: set[int] = field(default_factory=set)
    income_change: tuple[float | None, float | None] | None = None
    prepared_scores: PreparedScores | None = None  # computed by the producer before it took the write lock
    results_before: list[tuple] = field(default_factory=list)  # the household's current results, for the summary


Handler = Callable[[Session, Event], None]


def _audit(session: Session, event: Event) -> None:
    record_rows(session, [{"user": event.user, "action": line.action, "entity_type": "submission",
                           "entity_id": event.submission.uuid, "summary": line.summary, "before": line.before,
                           "after": line.after} for line in event.audit])


def _fingerprint(session: Session, event: Event) -> None:
    submission = event.submission
    submission.answers_fingerprint = flags.answer_fingerprint(get_definition(submission.questionnaire_version),
                                                              submission.answers or {})


def _count(session: Session, event: Event) -> None:
    event.changed_siblings |= counting.settle(session, event.submission)


def _income(session: Session, event: Event) -> None:
    """The submission's own contribution (after the flags read the peers' median without it)."""
    submission = event.submission
    question = get_definition(submission.questionnaire_version).quality.income_question
    event.income_change = stats.income_change(submission, question)


def _income_summary(session: Session, event: Event) -> None:
    """The commune's summary, last: on PostgreSQL its row stays locked until the commit."""
    if event.income_change is not None:
        stats.apply_income_change(session, event.submission, *event.income_change)


def _flags(session: Session, event: Event) -> None:
    flags.apply_flags(session, event.submission)


def _score(session: Session, event: Event) -> None:
    store_score(session, event.submission, siblings=event.changed_siblings, prepared=event.prepared_scores)


def _register_members(session: Session, event: Event) -> None:
    """An approved submission that counts for its household writes its member count (the question with
    ``prefill: household.members``) back to the register."""
    submission = event.submission
    if submission.state != "approved" or not submission.is_current:
        return
    members = answered_register_value(get_definition(submission.questionnaire_version), "household.members",
                                      submission.answers or {})
    if isinstance(members, int) and not isinstance(members, bool):
        write_back_members(session, event.user, submission.household, members, submission.uuid)


def _sync(session: Session, event: Event) -> None:
    sync_states(session, {event.submission.id} | event.changed_siblings)


def _results_before(session: Session, event: Event) -> None:
    """First: the household's current results as the village summary holds them."""
    event.results_before = summary.remember_results(session, event.submission.round_id,
                                                    event.submission.household_id)


def _village_summary(session: Session, event: Event) -> None:
    """After count, score and sync: their change to the household's results, added to the village summary."""
    summary.apply_result_change(session, event.submission.round_id, event.submission.household_id,
                                event.results_before)


SAVED = (_results_before, _audit, _fingerprint, _count, _flags, _income, _score, _village_summary, _income_summary)

HANDLERS: dict[str, tuple[Handler, ...]] = {
    "draft_saved": (_results_before, _audit, _count, _sync, _village_summary),
    "submitted": SAVED,
    "resubmitted": SAVED,
    "corrected": SAVED,
    "reviewed": (_results_before, _audit, _count, _register_members, _income, _sync, _village_summary,
                 _income_summary),
    "chosen": (_results_before, _audit, _count, _register_members, _sync, _village_summary),
}


def emit(session: Session, event: Event) -> None:
    """Run the event's handlers in order (a KeyError for an unknown event is a programming error).

    Autoflush is off while they run: a new submission is inserted once, with the values every handler gave it
    (current or not, flags, fingerprint, counted income), instead of being inserted and then updated."""
    with session.no_autoflush:
        for handler in HANDLERS[event.name]:
            handler(session, event)
    session.flush()
