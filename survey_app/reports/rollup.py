"""The rollup: for one area and one round's ruleset, the denominator and each outcome's count, percentage,
target and whether it is met; the same for every child area; the previous round of the series; and, on demand,
a breakdown by ethnic group.

Plain Python over SQLAlchemy Core (no Flask, no session globals: the caller passes a Connection or Session).
It never evaluates rules and never reads the households: it adds up the village summary of the stored results
(`village_result_summary`, integer counts per round's ruleset × village × ethnic group × state × outcome bit,
kept up to date by reports/summary.py in the transactions that change them) and of the register
(`village_list_summary`, via official_list.py) with one `SUM ... GROUP BY` per figure in the database: each village
goes to the direct child whose path prefixes it (`official_list.owners`), so Python receives a few rows per child
area and outcome, whatever the number of villages or households.
`counted_filter` and `measures` say the same counting over `household_result` itself (exports, the bench's
yardstick).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.sql import ColumnElement

from survey_app.core.denominators import effective_denominator
from survey_app.core.review_states import COUNTED_ALL_SUBMITTED, COUNTED_APPROVED_ONLY, SENT_STATES
from survey_app.models import Area, HouseholdResult, VillageResultSummary
from survey_app.models.summary import RULESET_POPULATION
from survey_app.reports.official_list import Key, OfficialList, by_owner, listed, owners

_results = HouseholdResult.__table__
_summary = VillageResultSummary.__table__
_area = Area.__table__


@dataclass(frozen=True)
class OutcomeSpec:
    """A reported outcome: its id, label and bit position in the masks of the ruleset version."""

    id: str
    label: str
    bit: int


@dataclass(frozen=True)
class ResultSet:
    """Which stored results a rollup reads: one round's ruleset and the round's counting rule."""

    round_ruleset_id: int
    count_only_approved: bool
    outcomes: tuple[OutcomeSpec, ...]
    official_list: OfficialList | None = None  # None: the denominator is the counted households only


@dataclass(frozen=True)
class AreaRef:
    id: int
    code: str
    name: str
    level: str
    path: str


@dataclass(frozen=True)
class Target:
    outcome_id: str
    area_path: str | None  # None: the round's default
    operator: str
    percent: float

    def reached(self, count: int, population: int) -> bool | None:
        """Whether count/population reaches the target (exact integer arithmetic); None without households."""
        if population == 0:
            return None
        left, right = count * 100, self.percent * population
        return {">=": left >= right, ">": left > right, "<=": left <= right, "<": left < right}[self.operator]

    @property
    def text(self) -> str:
        symbol = {">=": "≥", "<=": "≤"}.get(self.operator, self.operator)
        whole = int(self.percent) if float(self.percent).is_integer() else self.percent
        return f"{symbol} {str(whole).replace('.', ',')}%"


def nearest_target(targets: Sequence[Target], outcome_id: str, area_path: str) -> Target | None:
    """The target of the nearest ancestor-or-self area that has one, else the round's default."""
    best: Target | None = None
    for target in targets:
        if target.outcome_id != outcome_id:
            continue
        if target.area_path is None or area_path.startswith(target.area_path):
            if best is None or len(target.area_path or "") > len(best.area_path or ""):
                best = target
    return best


@dataclass
class OutcomeFigure:
    id: str
    label: str
    count: int
    population: int  # the outcome's own population (= the denominator unless the outcome narrows it)
    target: Target | None = None
    previous_count: int | None = None
    previous_population: int | None = None

    @property
    def percent(self) -> float | None:
        """The unrounded share, for drawing and comparing only. What is printed or exported is
        `survey_app.core.formatting.percent_value(count, population)` (half up, from the exact fraction); the
        change against the previous round is `percent_change_value(count, population, previous_count,
        previous_population)`."""
        return None if self.population == 0 else self.count * 100 / self.population

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.reached(self.count, self.population)


@dataclass
class AreaFigures:
    area: AreaRef | None  # None for an ethnic-group row
    denominator: int
    outcomes: list[OutcomeFigure]
    previous_denominator: int | None = None
    label: str = ""  # ethnic group name for breakdown rows
    counted: int = 0  # households of the population counted by the round's counting rule
    listed: int | None = None  # the official list's size (None: the round's list was not read)
    surveyed: int | None = None  # households of the population with a current sent submission

    def outcome(self, outcome_id: str) -> OutcomeFigure:
        return next(o for o in self.outcomes if o.id == outcome_id)


@dataclass
class Rollup:
    total: AreaFigures
    children: list[AreaFigures]
    has_previous: bool = False
    ethnic: list[AreaFigures] | None = None
    outcomes: tuple[OutcomeSpec, ...] = field(default_factory=tuple)
    denominator_rule: str = "surveyed"  # "official": the list's households not counted count as not met


# -- SQL ---------------------------------------------------------------------------------------------------------

def bit_sum(mask_column, bit: int) -> ColumnElement:
    """SUM of households whose mask has `bit` set (bitwise & works on SQLite and PostgreSQL)."""
    return func.coalesce(func.sum(case((mask_column.op("&")(1 << bit) != 0, 1), else_=0)), 0)


def measures(outcomes: Sequence[OutcomeSpec], columns) -> list[ColumnElement]:
    cols = [func.coalesce(func.sum(case((columns.in_population == true(), 1), else_=0)), 0).label("den")]
    for i, outcome in enumerate(outcomes):
        cols.append(bit_sum(columns.population_mask, outcome.bit).label(f"p{i}"))
        cols.append(bit_sum(columns.met_mask, outcome.bit).label(f"m{i}"))
    return cols


def counted_filter(result_set: ResultSet) -> ColumnElement:
    states = COUNTED_APPROVED_ONLY if result_set.count_only_approved else COUNTED_ALL_SUBMITTED
    return and_(_results.c.round_ruleset_id == result_set.round_ruleset_id,
                _results.c.is_current == true(), _results.c.state.in_(states))


def subtree_filter(area_path: str, root: bool) -> ColumnElement | None:
    if root:
        return None  # the whole tree: no filter, the round's range of the index is read as it is
    villages = select(_area.c.id).where(_area.c.path.startswith(area_path, autoescape=True))
    return _results.c.village_id.in_(villages)


def _child_figures(connection, result_set: ResultSet, owner) -> tuple[dict[Key, list[int]], dict[Key, int]]:
    """From the village summary (`village_result_summary`, kept by reports/summary.py), summed in the database by
    child area (the `owners` subquery), ethnic group, state and outcome bit: the counted figures
    [den, p0, m0, p1, m1, ...] and the households surveyed but not counted (sent, in the population, not counted
    by the round's rule) by (child id, ethnic group). Python receives a few rows per child and outcome."""
    bits = sorted({outcome.bit for outcome in result_set.outcomes})
    group = (owner.c.child_id, _summary.c.ethnic_group_code, _summary.c.state, _summary.c.outcome_bit)
    stmt = (select(*group, func.sum(_summary.c.population), func.sum(_summary.c.met))
            .select_from(_summary.join(owner, owner.c.village_id == _summary.c.village_id))
            .where(_summary.c.round_ruleset_id == result_set.round_ruleset_id,
                   _summary.c.state.in_(SENT_STATES), _summary.c.outcome_bit.in_([RULESET_POPULATION, *bits]))
            .group_by(*group))
    counted_states = set(COUNTED_APPROVED_ONLY if result_set.count_only_approved else COUNTED_ALL_SUBMITTED)
    positions: dict[int, list[int]] = {}
    for i, outcome in enumerate(result_set.outcomes):
        positions.setdefault(outcome.bit, []).append(1 + 2 * i)
    size = 1 + 2 * len(result_set.outcomes)
    counted: dict[Key, list[int]] = {}
    not_counted: dict[Key, int] = {}
    for child_id, ethnic_group, state, bit, population, met in connection.execute(stmt):
        key = (child_id, ethnic_group)
        if state not in counted_states:
            if bit == RULESET_POPULATION:
                not_counted[key] = not_counted.get(key, 0) + int(population)
            continue
        vector = counted.get(key) or counted.setdefault(key, [0] * size)
        if bit == RULESET_POPULATION:
            vector[0] += int(population)
        for position in positions.get(bit, ()):
            vector[position] += int(population)
            vector[position + 1] += int(met)
    return counted, not_counted


def _grouped(values: dict[Key, list[int]], owner) -> dict[object, tuple[int, ...]]:
    return {key: tuple(vector) for key, vector in by_owner(values, owner).items() if key is not None}


def _child(key: Key) -> int:
    return key[0]


# -- assembling --------------------------------------------------------------------------------------------------

def _zero(n: int) -> tuple[int, ...]:
    return (0,) * (1 + 2 * n)


def _sum_rows(rows, n: int) -> tuple[int, ...]:
    total = [0] * (1 + 2 * n)
    for row in rows:
        for i, value in enumerate(row):
            total[i] += value
    return tuple(total)


def _with_list(values: tuple[int, ...], listing: Sequence[int] | None, rule: str) -> tuple[int, ...]:
    """The counted figures (den, p0, m0, ...) with the denominators of `rule`: under "official" the list's
    households not counted join each population as "not met"."""
    if listing is None:
        return values
    adjusted = list(values)
    adjusted[0] = effective_denominator(rule, values[0], listing[0])
    for i in range(len(listing) - 1):
        adjusted[1 + 2 * i] = effective_denominator(rule, values[1 + 2 * i], listing[1 + i])
    return tuple(adjusted)


def _figures(area: AreaRef | None, values: tuple[int, ...], outcomes: Sequence[OutcomeSpec],
             targets: Sequence[Target], previous: tuple[int, ...] | None, prev_index: dict[str, int],
             label: str = "", listing: Sequence[int] | None = None, rule: str = "surveyed",
             not_counted: int = 0) -> AreaFigures:
    counted = values[0]
    values = _with_list(values, listing, rule)
    figures = []
    for i, outcome in enumerate(outcomes):
        target = nearest_target(targets, outcome.id, area.path) if area is not None else None
        figure = OutcomeFigure(outcome.id, outcome.label, values[2 + 2 * i], values[1 + 2 * i], target)
        if previous is not None and outcome.id in prev_index:
            j = prev_index[outcome.id]
            figure.previous_count, figure.previous_population = previous[2 + 2 * j], previous[1 + 2 * j]
        figures.append(figure)
    return AreaFigures(area, values[0], figures, previous[0] if previous is not None else None, label, counted,
                       None if listing is None else listing[0], None if listing is None else counted + not_counted)


class _Listing:
    """The official list of one round's rollup, summed by child area, by ethnic group and for the area."""

    def __init__(self, result_set: ResultSet, values: dict, not_counted: dict[Key, int]):
        self.size = 1 + len(result_set.outcomes)
        self.values = values
        self.extra = not_counted

    def by_child(self) -> tuple[dict, dict]:
        return by_owner(self.values, _child), by_owner(self.extra, _child)

    def by_ethnic(self) -> tuple[dict, dict]:
        return by_owner(self.values, lambda key: key[1]), by_owner(self.extra, lambda key: key[1])

    def total(self) -> tuple[list[int], int]:
        return (by_owner(self.values, lambda key: 0).get(0, [0] * self.size),
                by_owner(self.extra, lambda key: 0).get(0, [0])[0])


def _previous_with_list(rows: dict[int, tuple[int, ...]], previous: ResultSet,
                        values: dict | None) -> dict[int, tuple[int, ...]]:
    """The previous round's figures by child with its own denominator rule and list."""
    if values is None or previous.official_list is None:
        return rows
    by_child = by_owner(values, _child)
    zero = _zero(len(previous.outcomes))
    return {child: _with_list(rows.get(child, zero), by_child.get(child, [0] * (1 + len(previous.outcomes))),
                              previous.official_list.rule)
            for child in set(rows) | set(by_child) if child is not None}


def rollup(connection, result_set: ResultSet, area: AreaRef, children: Sequence[AreaRef], *,
           targets: Sequence[Target] = (), previous: ResultSet | None = None,
           ethnic_groups: dict[str, str] | None = None,
           root: bool = False) -> Rollup:
    """Figures of `area` and of each of its direct `children` (ordered as given).

    `root=True` says `area` is the top of the tree (its subtree is everything: no path filter). `previous` is
    the previous round's result set (same series), compared outcome by outcome by id. `ethnic_groups`
    ({code: name}, in display order) asks for the breakdown by ethnic group. A result set with an
    `official_list` adds the list's size and the surveyed households to every row, and its denominator rule.
    """
    n = len(result_set.outcomes)
    owner = owners(area.id, area.path, root, {c.id: c.path for c in children})
    counted, not_counted = _child_figures(connection, result_set, owner)
    current = _grouped(counted, _child)
    lists = [rs.official_list for rs in (result_set, previous) if rs is not None and rs.official_list is not None]
    registers = listed(connection, lists, owner) if lists else []
    listing = _Listing(result_set, registers[0], not_counted) if result_set.official_list is not None else None
    rule = result_set.official_list.rule if listing is not None else "surveyed"
    prev_rows: dict[int, tuple[int, ...]] = {}
    prev_index: dict[str, int] = {}
    if previous is not None:
        prev_rows = _previous_with_list(_grouped(_child_figures(connection, previous, owner)[0], _child), previous,
                                        registers[-1] if previous.official_list is not None else None)
        prev_index = {o.id: i for i, o in enumerate(previous.outcomes)}
    pn = len(previous.outcomes) if previous is not None else 0
    child_lists, child_extra = listing.by_child() if listing is not None else ({}, {})
    child_figures = [
        _figures(child, current.get(child.id, _zero(n)), result_set.outcomes, targets,
                 prev_rows.get(child.id, _zero(pn)) if previous is not None else None, prev_index,
                 listing=child_lists.get(child.id, [0] * (1 + n)) if listing is not None else None, rule=rule,
                 not_counted=child_extra.get(child.id, [0])[0])
        for child in children
    ]
    total_prev = _sum_rows(prev_rows.values(), pn) if previous is not None else None
    total_list, total_extra = listing.total() if listing is not None else (None, 0)
    total = _figures(area, _sum_rows(current.values(), n), result_set.outcomes, targets, total_prev, prev_index,
                     listing=total_list, rule=rule, not_counted=total_extra)
    ethnic = None
    if ethnic_groups is not None:
        by_group = _grouped(counted, lambda key: key[1])
        group_lists, group_extra = listing.by_ethnic() if listing is not None else ({}, {})
        known = set(by_group) | set(group_lists)
        codes = [c for c in ethnic_groups if c in known] + sorted(c for c in known if c not in ethnic_groups)
        ethnic = [_figures(None, by_group.get(c, _zero(n)), result_set.outcomes, (), None, {},
                           label=ethnic_groups.get(c, c),
                           listing=group_lists.get(c, [0] * (1 + n)) if listing is not None else None, rule=rule,
                           not_counted=group_extra.get(c, [0])[0])
                  for c in codes]
    return Rollup(total, child_figures, previous is not None, ethnic, tuple(result_set.outcomes), rule)
