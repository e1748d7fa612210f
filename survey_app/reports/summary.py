"""Keeping the per-village summaries (models/summary.py) equal to what they summarise, in the same transaction.

* Stored results: the submission lifecycle (submissions/lifecycle.py) runs `remember_results` before the handlers
  that count, score and sync, and `apply_result_change` after them. Both read the current results of the one
  household in the round (a few rows, by `ix_household_result_round`); the difference is added to the few summary
  rows it touches (locked with FOR UPDATE on PostgreSQL). The village is never reread.
* Bulk changes recompute what they touched: rescoring (`refresh_results` for its rulesets), the register's
  households and statuses (`refresh_list` for the villages), a round's period (`refresh_list` for the round).
* `rebuild_summary` recomputes everything (`flask reports rebuild-summary`, the migration, the generated data);
  `computed_*` and `stored_*` give both sides in one shape, for the test that they are always equal.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import and_, case, delete, func, insert, select, true, update
from sqlalchemy.orm import Session

from survey_app.models import (
    Household,
    HouseholdResult,
    HouseholdStatus,
    SurveyRound,
    VillageListSummary,
    VillageResultSummary,
)
from survey_app.models.summary import RULESET_POPULATION
from survey_app.reports.rollup import bit_sum

_results = HouseholdResult.__table__
_result_summary = VillageResultSummary.__table__
_list_summary = VillageListSummary.__table__
_household = Household.__table__
_status = HouseholdStatus.__table__
_round = SurveyRound.__table__

ResultKey = tuple  # (round_ruleset_id, village_id, ethnic_group_code, state, outcome_bit)
ListKey = tuple  # (round_id, village_id, ethnic_group_code, status_start, status_end)
Figures = tuple  # (population, met)
_RESULT_KEY_NAMES = ("round_ruleset_id", "village_id", "ethnic_group_code", "state", "outcome_bit")


def _bits(mask: int) -> Iterable[int]:
    bit = 0
    while mask:
        if mask & 1:
            yield bit
        mask >>= 1
        bit += 1


def _accumulate(into: dict[ResultKey, list[int]], rows, sign: int) -> None:
    """Add (sign=1) or take away (sign=-1) result rows (key..., in_population, population_mask, met_mask) to the
    long-format figures {(key..., outcome bit): [population, met]}."""
    for *key, in_population, population_mask, met_mask in rows:
        if in_population:
            into.setdefault((*key, RULESET_POPULATION), [0, 0])[0] += sign
        for column, mask in ((0, population_mask), (1, met_mask)):
            for bit in _bits(int(mask or 0)):
                into.setdefault((*key, bit), [0, 0])[column] += sign


# -- the lifecycle's two handlers ---------------------------------------------------------------------------------

_KEY_COLUMNS = (_results.c.round_ruleset_id, _results.c.village_id, _results.c.ethnic_group_code, _results.c.state)


def _household_results(session: Session, round_id: int, household_id: int) -> list[tuple]:
    return [tuple(row) for row in session.execute(
        select(*_KEY_COLUMNS, _results.c.in_population, _results.c.population_mask, _results.c.met_mask)
        .where(_results.c.round_id == round_id, _results.c.household_id == household_id,
               _results.c.is_current == true()))]


def remember_results(session: Session, round_id: int, household_id: int) -> list[tuple]:
    """The household's current results before an event changes them (nothing of the event is flushed yet)."""
    return _household_results(session, round_id, household_id)


def apply_result_change(session: Session, round_id: int, household_id: int, before: list[tuple]) -> None:
    """Add the difference between the household's current results now and `before` to the summary rows."""
    session.flush()
    after = _household_results(session, round_id, household_id)
    if sorted(after, key=repr) == sorted(before, key=repr):
        return
    delta: dict[ResultKey, list[int]] = {}
    _accumulate(delta, before, -1)
    _accumulate(delta, after, 1)
    for key in sorted(delta, key=repr):  # one order for every transaction: no deadlock between two of them
        if any(delta[key]):
            _add_to_row(session, key, tuple(delta[key]))


def _add_to_row(session: Session, key: ResultKey, change: Figures) -> None:
    where = and_(*(_result_summary.c[name] == value for name, value in zip(_RESULT_KEY_NAMES, key)))
    row = session.execute(select(_result_summary.c.id, _result_summary.c.population, _result_summary.c.met)
                          .where(where).with_for_update()).first()
    population = change[0] + (0 if row is None else row[1])
    met = change[1] + (0 if row is None else row[2])
    if row is None:
        session.execute(insert(_result_summary).values({**dict(zip(_RESULT_KEY_NAMES, key)),
                                                        "population": population, "met": met}))
    elif population == 0 and met == 0:
        session.execute(delete(_result_summary).where(_result_summary.c.id == row[0]))
    else:
        session.execute(update(_result_summary).where(_result_summary.c.id == row[0])
                        .values(population=population, met=met))


# -- from scratch -------------------------------------------------------------------------------------------------

def computed_results(connection, round_ruleset_ids: Iterable[int] | None = None) -> dict[ResultKey, Figures]:
    """{key: (population, met)} of the current stored results, grouped in SQL (one query per round's ruleset, a
    column per bit) and turned into the long format, without the zero rows."""
    current = [_results.c.is_current == true()]
    if round_ruleset_ids is not None:
        current.append(_results.c.round_ruleset_id.in_(list(round_ruleset_ids)))
    widths = connection.execute(select(_results.c.round_ruleset_id, func.max(_results.c.population_mask),
                                       func.max(_results.c.met_mask))
                                .where(*current).group_by(_results.c.round_ruleset_id)).all()
    out: dict[ResultKey, Figures] = {}
    for round_ruleset_id, population_max, met_max in widths:
        width = max(int(population_max or 0).bit_length(), int(met_max or 0).bit_length())
        columns = [func.coalesce(func.sum(case((_results.c.in_population == true(), 1), else_=0)), 0)]
        for bit in range(width):
            columns += [bit_sum(_results.c.population_mask, bit), bit_sum(_results.c.met_mask, bit)]
        stmt = (select(*_KEY_COLUMNS, *columns)
                .where(*current, _results.c.round_ruleset_id == round_ruleset_id).group_by(*_KEY_COLUMNS))
        for row in connection.execute(stmt):
            key, values = tuple(row[:4]), [int(x) for x in row[4:]]
            figures = {RULESET_POPULATION: (values[0], 0)}
            figures.update({bit: (values[1 + 2 * bit], values[2 + 2 * bit]) for bit in range(width)})
            out.update({(*key, bit): pair for bit, pair in figures.items() if any(pair)})
    return out


def stored_results(connection) -> dict[ResultKey, Figures]:
    rows = connection.execute(select(*(_result_summary.c[name] for name in _RESULT_KEY_NAMES),
                                     _result_summary.c.population, _result_summary.c.met))
    return {tuple(row[:5]): (row[5], row[6]) for row in rows}


def register_by_statuses(connection, start_year: int, end_year: int,
                         village_ids: Iterable[int] | None = None) -> dict[tuple, int]:
    """{(village id, ethnic group, status of `start_year`, status of `end_year`): households} ('' for none), in one
    grouped query over the register (the covering indexes of migration 0011)."""
    start, end = _status.alias("s_start"), _status.alias("s_end")
    group = [_household.c.village_id, _household.c.ethnic_group_code,
             func.coalesce(start.c.status, ""), func.coalesce(end.c.status, "")]
    stmt = (select(*group, func.count())
            .select_from(_household
                         .outerjoin(start, and_(start.c.household_id == _household.c.id, start.c.year == start_year))
                         .outerjoin(end, and_(end.c.household_id == _household.c.id, end.c.year == end_year)))
            .group_by(*group))
    if village_ids is not None:
        stmt = stmt.where(_household.c.village_id.in_(list(village_ids)))
    return {tuple(row[:4]): int(row[4]) for row in connection.execute(stmt)}


def computed_lists(connection, *, round_ids: Iterable[int] | None = None,
                   village_ids: Iterable[int] | None = None) -> dict[ListKey, int]:
    """{key: households} of the register for each round (its statuses at the start and the end of its period)."""
    rounds = select(_round.c.id, _round.c.period_start, _round.c.period_end)
    if round_ids is not None:
        rounds = rounds.where(_round.c.id.in_(list(round_ids)))
    villages = None if village_ids is None else list(village_ids)
    return {(round_id, *key): households
            for round_id, period_start, period_end in connection.execute(rounds).all()
            for key, households in register_by_statuses(connection, period_start.year - 1, period_end.year,
                                                         villages).items()}


def stored_lists(connection) -> dict[ListKey, int]:
    return {tuple(row[:5]): row[5] for row in connection.execute(select(*_list_summary.c[1:]))}


# -- recomputing a part -------------------------------------------------------------------------------------------

def refresh_results(session: Session, round_ruleset_ids: Iterable[int]) -> None:
    """Recompute the summary of these rulesets of rounds (after rescoring)."""
    ids = list(round_ruleset_ids)
    if not ids:
        return
    session.flush()
    session.execute(delete(_result_summary).where(_result_summary.c.round_ruleset_id.in_(ids)))
    _insert_results(session, computed_results(session.connection(), ids))


def refresh_list(session: Session, *, village_ids: Iterable[int] | None = None,
                 round_ids: Iterable[int] | None = None) -> None:
    """Recompute the register's summary of these villages (a household created, edited, moved or imported, an
    official status changed) or of these rounds (a round created or its period changed)."""
    villages = None if village_ids is None else sorted({v for v in village_ids if v is not None})
    rounds = None if round_ids is None else list(round_ids)
    if villages == [] or rounds == []:
        return
    session.flush()
    stmt = delete(_list_summary)
    if villages is not None:
        stmt = stmt.where(_list_summary.c.village_id.in_(villages))
    if rounds is not None:
        stmt = stmt.where(_list_summary.c.round_id.in_(rounds))
    session.execute(stmt)
    rows = computed_lists(session.connection(), round_ids=rounds, village_ids=villages)
    if rows:
        session.execute(insert(_list_summary), [
            dict(zip(("round_id", "village_id", "ethnic_group_code", "status_start", "status_end"), key),
                 households=households) for key, households in rows.items()])


def _insert_results(session: Session, rows: dict[ResultKey, Figures]) -> None:
    if rows:
        session.execute(insert(_result_summary), [
            dict(zip(_RESULT_KEY_NAMES, key), population=population, met=met)
            for key, (population, met) in rows.items()])


def rebuild_summary(session: Session) -> tuple[int, int]:
    """Recompute both summaries from scratch; returns their numbers of rows."""
    session.flush()
    session.execute(delete(_result_summary))
    session.execute(delete(_list_summary))
    results = computed_results(session.connection())
    _insert_results(session, results)
    refresh_list(session)
    return len(results), len(stored_lists(session.connection()))
