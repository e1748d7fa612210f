"""The commune's official list behind a rollup: per area, how many households the register puts in the ruleset's
population at the start of the period (the list's size, and the part of it in each outcome's own population),
and how many of them were surveyed (a current sent submission).

Summed in the database by child area from the register's village summary of the round (`village_list_summary`:
households per village, ethnic group and statuses, kept by reports/summary.py), whatever the number of areas;
each distinct (ethnic group, statuses) combination is classified once by the ruleset itself
(`OfficialList.classify`, the scoring engine on the register record without answers), so the list is "as the
ruleset says". Plain SQLAlchemy Core, no Flask.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, literal, select

from survey_app.models import Area, VillageListSummary

_list_summary = VillageListSummary.__table__
_area = Area.__table__

Key = tuple  # (child area id, ethnic group code)


@dataclass(frozen=True)
class OfficialList:
    """How a round reads the official list: its denominator rule ("official" or "surveyed"), the register years
    of the status at the start and at the end, and `classify(ethnic_group, status_start, status_end)` →
    (on the list, (in outcome i's population for each reported outcome))."""

    rule: str
    start_year: int
    end_year: int
    classify: Callable[[str, str | None, str | None], tuple[bool, tuple[bool, ...]]]
    round_id: int  # whose register summary (`village_list_summary`) holds the statuses of these years
    reads_end: bool = True  # False: no population reads the status at the end (its year is not joined)


def owners(area_id: int, area_path: str, root: bool, children_paths: dict[int, str]):
    """(village_id, child_id): every area under `area` with the direct child holding it, matched in SQL by the
    child's path being a prefix of the area's (`substr(path, 1, length(child path)) = child path`, exact on both
    databases), so the reports GROUP BY `child_id` in the database. Without children, the area's subtree owned by
    the area itself. DISTINCT keeps SQLite from flattening the join into the summary's scan (a prefix test per
    summary row): it reads the pairs once and looks them up by an automatic index, half the time."""
    if not children_paths:
        stmt = select(_area.c.id.label("village_id"), literal(area_id).label("child_id"))
        return (stmt if root else stmt.where(_area.c.path.startswith(area_path, autoescape=True))).subquery()
    child, village = _area.alias("child"), _area.alias("village")
    return (select(village.c.id.label("village_id"), child.c.id.label("child_id"))
            .select_from(child.join(village, func.substr(village.c.path, 1, func.length(child.c.path))
                                    == child.c.path))
            .where(child.c.id.in_(list(children_paths)))
            .distinct()).subquery()  # (one child per area anyway) SQLite then materialises the few pairs once


def listed(connection, lists: Sequence[OfficialList], owner) -> list[dict[Key, list[int]]]:
    """For each of `lists`: {(child id, ethnic group): [list size, in outcome 0's population, ...]}, summed in the
    database from the register's village summary of its round (`village_list_summary`) by the `owners` subquery:
    a few rows per child, each (ethnic group, statuses) combination classified once by the ruleset."""
    out: list[dict[Key, list[int]]] = []
    group = (owner.c.child_id, _list_summary.c.ethnic_group_code, _list_summary.c.status_start,
             _list_summary.c.status_end)
    for official in lists:
        stmt = (select(*group, func.sum(_list_summary.c.households))
                .select_from(_list_summary.join(owner, owner.c.village_id == _list_summary.c.village_id))
                .where(_list_summary.c.round_id == official.round_id).group_by(*group))
        figures: dict[Key, list[int]] = {}
        verdicts: dict[tuple, tuple[bool, tuple[bool, ...]]] = {}
        for child_id, ethnic_group, status_start, status_end, count in connection.execute(stmt):
            combo = (ethnic_group, status_start or None, (status_end or None) if official.reads_end else None)
            if combo not in verdicts:
                verdicts[combo] = official.classify(*combo)
            on_list, populations = verdicts[combo]
            if not on_list:
                continue
            vector = figures.setdefault((child_id, ethnic_group), [0] * (1 + len(populations)))
            vector[0] += int(count)
            for i, member in enumerate(populations):
                if member:
                    vector[1 + i] += int(count)
        out.append(figures)
    return out


def by_owner(values: dict[Key, list[int] | int], owner: Callable[[Key], object]) -> dict[object, list[int]]:
    """Sum the vectors (or counts) of `values` by `owner(key)` (a child area, an ethnic group, the whole area)."""
    out: dict[object, list[int]] = {}
    for key, value in values.items():
        vector = value if isinstance(value, list) else [value]
        target = out.setdefault(owner(key), [0] * len(vector))
        for i, x in enumerate(vector):
            target[i] += x
    return out
