"""The commune's official list behind a rollup: per area, how many households the register puts in the ruleset's
population at the start of the period (the list's size, and the part of it in each outcome's own population),
and how many of them were surveyed (a current sent submission).

Read from the register's village summary of the round (`village_list_summary`: households per village, ethnic
group and statuses, kept by reports/summary.py), whatever the number of areas; each distinct (ethnic group,
statuses) combination is classified once by the ruleset itself (`OfficialList.classify`, the scoring engine on
the register record without answers), so the list is "as the ruleset says". Plain SQLAlchemy Core, no Flask.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from survey_app.models import Area, VillageListSummary

_list_summary = VillageListSummary.__table__
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
    round_id: int  # whose register summary (`village_list_summary`) holds the statuses of these years
    reads_end: bool = True  # False: no population reads the status at the end (its year is not joined)


def _subtree(column, area_path: str, root: bool):
    if root:
        return None
    return column.in_(select(_area.c.id).where(_area.c.path.startswith(area_path, autoescape=True)))


def listed(connection, lists: Sequence[OfficialList], area_path: str, root: bool) -> list[dict[Key, list[int]]]:
    """For each of `lists`: {(village id, ethnic group): [list size, in outcome 0's population, ...]}, from the
    register's village summary of its round (`village_list_summary`, a few rows per village)."""
    out: list[dict[Key, list[int]]] = []
    for official in lists:
        stmt = (select(_list_summary.c.village_id, _list_summary.c.ethnic_group_code, _list_summary.c.status_start,
                       _list_summary.c.status_end, _list_summary.c.households)
                .where(_list_summary.c.round_id == official.round_id))
        subtree = _subtree(_list_summary.c.village_id, area_path, root)
        if subtree is not None:
            stmt = stmt.where(subtree)
        figures: dict[Key, list[int]] = {}
        verdicts: dict[tuple, tuple[bool, tuple[bool, ...]]] = {}
        for village_id, group, status_start, status_end, count in connection.execute(stmt):
            combo = (group, status_start or None, (status_end or None) if official.reads_end else None)
            if combo not in verdicts:
                verdicts[combo] = official.classify(*combo)
            on_list, populations = verdicts[combo]
            if not on_list:
                continue
            vector = figures.setdefault((village_id, group), [0] * (1 + len(populations)))
            vector[0] += count
            for i, member in enumerate(populations):
                if member:
                    vector[1 + i] += count
        out.append(figures)
    return out


def village_children(connection, area_path: str, root: bool, children_paths: dict[int, str]) -> dict[int, int]:
    """{village (or any area) id under the area: the id of the direct child holding it} (a child's path is its
    parent's path and one more segment, so the child is found from the area's path alone)."""
    stmt = select(_area.c.id, _area.c.path)
    if not root:
        stmt = stmt.where(_area.c.path.startswith(area_path, autoescape=True))
    child_of_path = {path: child_id for child_id, path in children_paths.items()}
    owners: dict[int, int] = {}
    for area_id, path in connection.execute(stmt):
        if not path.startswith(area_path):
            continue
        cut = path.find("/", len(area_path))
        child_id = child_of_path.get(path[:cut + 1]) if cut >= 0 else None
        if child_id is not None:
            owners[area_id] = child_id
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
