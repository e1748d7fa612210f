"""The commune's official list behind a rollup: per area, how many households the register puts in the ruleset's
population at the start of the period (the list's size, and the part of it in each outcome's own population),
and how many of them were surveyed (a current sent submission).

One grouped query over the register for the report (households × their statuses of the years the rounds read,
grouped by village, ethnic group and statuses), whatever the number of areas; each distinct (ethnic group,
statuses) combination is classified once by the ruleset itself (`OfficialList.classify`, the scoring engine on
the register record without answers), so the list is "as the ruleset says". Plain SQLAlchemy Core, no Flask.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select, true

from survey_app.core.review_states import COUNTED_ALL_SUBMITTED, COUNTED_APPROVED_ONLY, SENT_STATES
from survey_app.models import Area, Household, HouseholdResult, HouseholdStatus

_household = Household.__table__
_status = HouseholdStatus.__table__
_results = HouseholdResult.__table__
_area = Area.__table__

Key = tuple  # (village id, ethnic group code)


@dataclass(frozen=True)
class OfficialList:
    """How a round reads the official list: its denominator rule ("official" or "surveyed"), the register years
    of the status at the start and at the end, and `classify(ethnic_group, status_start, status_end)` →
    (on the list, (in outcome i's population for each reported outcome))."""

    rule: str
    start_year: int
    end_year: int
    classify: Callable[[str, str | None, str | None], tuple[bool, tuple[bool, ...]]]
    reads_end: bool = True  # False: no population reads the status at the end (its year is not joined)


def _subtree(column, area_path: str, root: bool):
    if root:
        return None
    return column.in_(select(_area.c.id).where(_area.c.path.startswith(area_path, autoescape=True)))


def listed(connection, lists: Sequence[OfficialList], area_path: str, root: bool) -> list[dict[Key, list[int]]]:
    """For each of `lists`: {(village id, ethnic group): [list size, in outcome 0's population, ...]}, from one
    query over the register."""
    years = sorted({year for official in lists
                    for year in (official.start_year, *([official.end_year] if official.reads_end else []))})
    aliases = [_status.alias(f"s{year}") for year in years]
    joined = _household
    for alias, year in zip(aliases, years):
        joined = joined.outerjoin(alias, and_(alias.c.household_id == _household.c.id, alias.c.year == year))
    group = [_household.c.village_id, _household.c.ethnic_group_code, *(alias.c.status for alias in aliases)]
    stmt = select(*group, func.count()).select_from(joined).group_by(*group)
    subtree = _subtree(_household.c.village_id, area_path, root)
    if subtree is not None:
        stmt = stmt.where(subtree)
    position = {year: 2 + i for i, year in enumerate(years)}
    out: list[dict[Key, list[int]]] = [{} for _ in lists]
    verdicts: list[dict[tuple, tuple[bool, tuple[bool, ...]]]] = [{} for _ in lists]
    for row in connection.execute(stmt):
        count = int(row[-1])
        for official, figures, seen in zip(lists, out, verdicts):
            combo = (row[1], row[position[official.start_year]],
                     row[position[official.end_year]] if official.reads_end else None)
            if combo not in seen:
                seen[combo] = official.classify(*combo)
            on_list, populations = seen[combo]
            if not on_list:
                continue
            vector = figures.setdefault((row[0], row[1]), [0] * (1 + len(populations)))
            vector[0] += count
            for i, member in enumerate(populations):
                if member:
                    vector[1 + i] += count
    return out


def surveyed_not_counted(connection, round_ruleset_id: int, count_only_approved: bool, area_path: str,
                         root: bool) -> dict[Key, int]:
    """{(village id, ethnic group): households of the ruleset's population whose current submission is sent
    but not counted} (returned, or waiting when only approved ones count): surveyed = counted + these."""
    counted = COUNTED_APPROVED_ONLY if count_only_approved else COUNTED_ALL_SUBMITTED
    states = [state for state in SENT_STATES if state not in counted]
    stmt = (select(_results.c.village_id, _results.c.ethnic_group_code, func.count())
            .where(_results.c.round_ruleset_id == round_ruleset_id, _results.c.state.in_(states),
                   _results.c.is_current == true(), _results.c.in_population == true())
            .group_by(_results.c.village_id, _results.c.ethnic_group_code))
    subtree = _subtree(_results.c.village_id, area_path, root)
    if subtree is not None:
        stmt = stmt.where(subtree)
    return {(row[0], row[1]): int(row[2]) for row in connection.execute(stmt)}


def village_children(connection, area_path: str, root: bool, children_paths: dict[int, str]) -> dict[int, int]:
    """{village (or any area) id under the area: the id of the direct child holding it}."""
    stmt = select(_area.c.id, _area.c.path)
    if not root:
        stmt = stmt.where(_area.c.path.startswith(area_path, autoescape=True))
    owners: dict[int, int] = {}
    for area_id, path in connection.execute(stmt):
        for child_id, child_path in children_paths.items():
            if path.startswith(child_path):
                owners[area_id] = child_id
                break
    return owners


def by_owner(values: dict[Key, list[int] | int], owner: Callable[[Key], object]) -> dict[object, list[int]]:
    """Sum the vectors (or counts) of `values` by `owner(key)` (a child area, an ethnic group, the whole area)."""
    out: dict[object, list[int]] = {}
    for key, value in values.items():
        vector = value if isinstance(value, list) else [value]
        target = out.setdefault(owner(key), [0] * len(vector))
        for i, x in enumerate(vector):
            target[i] += x
    return out
