"""Per-commune income summaries, kept incrementally so the income-outlier flag never rereads the commune.

Every sent submission (``SENT_STATES``) with a positive income adds one to its bin of the commune's
``IncomeSummary`` for the round; leaving those states (rejected) or changing the income takes the old
contribution (``Submission.counted_income``) back out. Bins are logarithmic, 1% wide, each holding its count and
the sum of its incomes: the median read back is the mean of the middle bin, within half a percent of the exact
median (exact when the middle bin holds one value), which is ample for "more than three times the median".
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.review_states import SENT_STATES
from ..models import Area, IncomeSummary, Submission
from .upsert import insert_ignore

BIN_RATIO = 1.01
_LOG_RATIO = math.log(BIN_RATIO)


def income_bin(value: float) -> str:
    return str(math.floor(math.log(value) / _LOG_RATIO))


def median_of(histogram: Mapping[str, list], *, leave_out: float | None = None) -> tuple[int, float | None]:
    """(count, median) of a histogram ``{bin: [count, sum]}``, with one ``leave_out`` value (the submission's own)
    taken out first."""
    bins = {key: [n, total] for key, (n, total) in histogram.items() if n > 0}
    if leave_out is not None:
        own = bins.get(income_bin(leave_out))
        if own is not None:
            own[0] -= 1
            own[1] -= leave_out
    ordered = [(n, total / n) for _key, (n, total) in sorted(bins.items(), key=lambda item: int(item[0])) if n > 0]
    count = sum(n for n, _mean in ordered)
    if count == 0:
        return 0, None

    def at(rank: int) -> float:  # rank 0-based
        seen = 0
        for n, mean in ordered:
            seen += n
            if rank < seen:
                return mean
        return ordered[-1][1]

    if count % 2:
        return count, at(count // 2)
    return count, (at(count // 2 - 1) + at(count // 2)) / 2


def income_of(answers: Mapping | None, question: str | None) -> float | None:
    """The positive income answered to ``question``, else None (no question, not answered, not a number)."""
    if not question:
        return None
    value = (answers or {}).get(question)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def add_to(histogram: dict, value: float, sign: int) -> None:
    """Add (sign 1) or take out (sign -1) one value, in place."""
    key = income_bin(value)
    n, total = histogram.get(key, (0, 0.0))
    n, total = n + sign, total + sign * value
    if n <= 0:
        histogram.pop(key, None)
    else:
        histogram[key] = [n, total]


def commune_of(session: Session, submission: Submission) -> int | None:
    village = submission.village if submission.village is not None else session.get(Area, submission.village_id)
    return village.parent_id if village is not None else None


_READ_IN = "income_summaries_read_in"  # session.info: (the transaction, the summaries it read afresh by key)


def _transaction(session: Session):
    """The database transaction the session's work runs in (a plain or a scoped session)."""
    return session.connection().get_transaction()


def _read_in_this_transaction(session: Session, key: tuple[int, int]) -> IncomeSummary | None:
    """The summary ``peer_median`` read afresh in this very transaction, on SQLite (where the writer holds the
    database's only write lock, so nobody changed it since): a second SELECT would read the same row."""
    seen = session.info.get(_READ_IN)
    if seen is None or seen[0] is not _transaction(session):
        return None
    summary = seen[1].get(key)
    return summary if summary is not None and summary in session else None


def summary_for_update(session: Session, round_id: int, commune_id: int) -> IncomeSummary:
    """The commune's summary row, created when missing, locked for this transaction on PostgreSQL."""
    key = (round_id, commune_id)
    summary = _read_in_this_transaction(session, key)
    if summary is not None:
        return summary
    summary = session.get(IncomeSummary, key, with_for_update=True, populate_existing=True)
    if summary is None:
        insert_ignore(session, IncomeSummary, {"round_id": round_id, "commune_id": commune_id, "count": 0,
                                               "histogram": {}}, ("round_id", "commune_id"))
        summary = session.get(IncomeSummary, key, with_for_update=True, populate_existing=True)
    return summary


def peer_median(session: Session, submission: Submission) -> tuple[int, float | None]:
    """(how many other sent submissions of the commune have an income, their median) from the summary."""
    commune_id = commune_of(session, submission)
    if commune_id is None:
        return 0, None
    key = (submission.round_id, commune_id)
    if session.get_bind().dialect.name == "sqlite":  # read afresh, so that summary_for_update can reuse it
        summary = session.get(IncomeSummary, key, populate_existing=True)
        seen = session.info.get(_READ_IN)
        if seen is None or seen[0] is not _transaction(session):
            seen = session.info[_READ_IN] = (_transaction(session), {})
        if summary is not None:  # held here: the session's identity map keeps only weak references
            seen[1][key] = summary
    else:
        summary = session.get(IncomeSummary, key)
    if summary is None:
        return 0, None
    return median_of(summary.histogram or {}, leave_out=submission.counted_income)


def income_change(submission: Submission, question: str | None) -> tuple[float | None, float | None] | None:
    """Set the submission's ``counted_income`` to what its state and answers now contribute; return (old, new)
    for ``apply_income_change``, or None when nothing changes. Read the peers' median before calling it."""
    wanted = income_of(submission.answers, question) if submission.state in SENT_STATES else None
    old = submission.counted_income
    if wanted == old:
        return None
    submission.counted_income = wanted
    return old, wanted


def apply_income_change(session: Session, submission: Submission, old: float | None, new: float | None) -> None:
    """Move the contribution in the commune's summary from ``old`` to ``new``. The row is locked until the commit
    on PostgreSQL, so the lifecycle does this last: concurrent saves of one commune wait only for each other's
    commit."""
    commune_id = commune_of(session, submission)
    if commune_id is None:
        submission.counted_income = None
        return
    summary = summary_for_update(session, submission.round_id, commune_id)
    histogram = {key: list(value) for key, value in (summary.histogram or {}).items()}
    if old is not None:
        add_to(histogram, old, -1)
    if new is not None:
        add_to(histogram, new, 1)
    summary.histogram = histogram
    summary.count = sum(n for n, _total in histogram.values())


def rebuild_income_summaries(session: Session, round_id: int, question: str | None) -> int:
    """Recount every summary of the round from the stored answers (after a migration or a change of the income
    question). Returns the number of submissions counted."""
    session.query(IncomeSummary).filter(IncomeSummary.round_id == round_id).delete(synchronize_session=False)
    histograms: dict[int, dict[str, list]] = {}
    counted = 0
    rows = session.execute(select(Submission, Area.parent_id).join(Area, Submission.village_id == Area.id)
                           .where(Submission.round_id == round_id)).all()
    for submission, commune_id in rows:
        wanted = income_of(submission.answers, question) if submission.state in SENT_STATES else None
        submission.counted_income = wanted if commune_id is not None else None
        if wanted is None or commune_id is None:
            continue
        add_to(histograms.setdefault(commune_id, {}), wanted, 1)
        counted += 1
    for commune_id, histogram in histograms.items():
        session.add(IncomeSummary(round_id=round_id, commune_id=commune_id,
                                  count=sum(n for n, _total in histogram.values()), histogram=histogram))
    session.flush()
    return counted
