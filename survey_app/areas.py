"""Area tree operations: add, move, import (no Flask).

The tree lives in `Area.path` (ids from the root, `/1/4/27/`). Moving a node
rewrites the path prefix of its whole subtree in one UPDATE; rows that point at
areas by id (households, submissions, accounts) are untouched, so a village that
moves to a new commune keeps its history.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .errors import Invalid
from .models import Area, User, record


class AreaError(Invalid):
    """A refused change to the area tree (Vietnamese message)."""


class Placed(Protocol):
    """An area as pages hold it: an ``Area`` or a report's ``AreaRef``."""

    id: int
    code: str
    name: str
    path: str


def area_labels(session: Session, areas: Iterable[Placed]) -> dict[int, str]:
    """Each area's name with just enough of its path to tell it apart from the others shown with it:
    "Kon Tu Rằng 2 (xã Măng Cành)" beside "Kon Tu Rằng 2 (xã Măng Bút)", plain "Kon Chênh" when its name is
    unique. Ancestors are added nearest first until the labels differ; two namesakes under the same parent get
    their codes. Keyed by area id; the ancestors are read in one query."""
    shown = {area.id: area for area in areas}
    ancestry = {area_id: [int(part) for part in area.path.strip("/").split("/")[:-1]][::-1]
                for area_id, area in shown.items()}
    wanted = {ancestor for chain in ancestry.values() for ancestor in chain}
    names = {a.id: a.display_name for a in session.scalars(select(Area).where(Area.id.in_(wanted)))} if wanted else {}
    depth = dict.fromkeys(shown, 0)
    labels: dict[int, str] = {}
    while True:
        labels = {area_id: _label(area.name, [names.get(a, "") for a in ancestry[area_id][:depth[area_id]]])
                  for area_id, area in shown.items()}
        clashes = _clashing(labels)
        deeper = [area_id for area_id in clashes if depth[area_id] < len(ancestry[area_id])]
        if not deeper:
            break
        for area_id in deeper:
            depth[area_id] += 1
    for area_id in _clashing(labels):  # namesakes under one parent: the parent and the (unique) code
        labels[area_id] = _label(shown[area_id].name, [names.get(a, "") for a in ancestry[area_id][:1]]
                                 + [shown[area_id].code])
    return labels


def area_label(session: Session, area: Area, *, with_level: bool = False) -> str:
    """The label of one area shown alone (a printed sheet, a report's title): unique among every area of the
    register that has the same name; ``with_level`` starts it with the level ("thôn Kon Tu Rằng 2 (xã …)")."""
    namesakes = session.scalars(select(Area).where(Area.name == area.name))
    label = area_labels(session, [area, *namesakes])[area.id]
    return area.display_name + label.removeprefix(area.name) if with_level else label


def _label(name: str, context: list[str]) -> str:
    return f"{name} ({', '.join(context)})" if context else name


def _clashing(labels: dict[int, str]) -> list[int]:
    holders: dict[str, list[int]] = defaultdict(list)
    for area_id, label in labels.items():
        holders[label].append(area_id)
    return [area_id for ids in holders.values() if len(ids) > 1 for area_id in ids]


def add_area(session: Session, *, code: str, name: str, level: str, parent: Area | None) -> Area:
    area = Area(code=code, name=name, level=level, parent=parent, path="", depth=(parent.depth + 1) if parent else 0)
    session.add(area)
    session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area


def subtree(session: Session, area: Area):
    return select(Area).where(Area.path.startswith(area.path, autoescape=True))


def move_area(session: Session, area: Area, new_parent: Area | None, user: User | None = None,
              actor: str | None = None) -> None:
    """Put `area` (and its subtree) under `new_parent`."""
    if new_parent is not None and new_parent.path.startswith(area.path):
        raise AreaError(f"Không thể chuyển '{area.name}' vào chính nó hoặc địa bàn con của nó.")
    old_path, old_depth = area.path, area.depth
    new_path = f"{new_parent.path if new_parent else '/'}{area.id}/"
    depth_shift = ((new_parent.depth + 1) if new_parent else 0) - old_depth
    before = {"parent": area.parent.code if area.parent else None}
    session.execute(
        update(Area)
        .where(Area.path.startswith(old_path, autoescape=True))
        .values(path=new_path + func.substr(Area.path, len(old_path) + 1), depth=Area.depth + depth_shift)
        .execution_options(synchronize_session=False)
    )
    session.execute(update(Area).where(Area.id == area.id).values(parent_id=new_parent.id if new_parent else None)
                    .execution_options(synchronize_session=False))
    session.expire_all()
    record(session, user=user, actor=actor, action="area.move", entity_type="area", entity_id=area.code,
           summary=f"Chuyển {area.name}", before=before, after={"parent": new_parent.code if new_parent else None})


def import_areas_csv(session: Session, text: str, actor: str = "cli") -> tuple[int, int]:
    """Import (or update) an area tree from CSV with columns code,name,level,parent_code.

    Parents may come later in the file than their children. All-or-nothing: any
    bad row raises AreaError listing every problem with its line number.
    Returns (created, updated).
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    needed = {"code", "name", "level", "parent_code"}
    if reader.fieldnames is None or not needed <= {f.strip() for f in reader.fieldnames}:
        raise AreaError("Tệp phải có các cột: code, name, level, parent_code.")
    rows, errors, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        problems = []
        if not row["code"]:
            problems.append("mã trống")
        elif row["code"] in seen:
            problems.append(f"mã '{row['code']}' trùng với dòng {seen[row['code']]}")
        if not row["name"]:
            problems.append("tên trống")
        if not row["level"]:
            problems.append("cấp trống")
        if row["parent_code"] and row["parent_code"] == row["code"]:
            problems.append("địa bàn không thể là cha của chính nó")
        if problems:
            errors.append(f"Dòng {line}: " + "; ".join(problems) + ".")
        else:
            seen[row["code"]] = line
            rows.append((line, row))
    existing = {a.code: a for a in session.scalars(select(Area))}
    for line, row in rows:
        parent = row["parent_code"]
        if parent and parent not in seen and parent not in existing:
            errors.append(f"Dòng {line}: không có địa bàn cha mã '{parent}'.")
    # Cycles inside the file (A under B, B under A).
    parent_of = {row["code"]: row["parent_code"] or None for _, row in rows}
    for line, row in rows:
        steps, node = 0, row["code"]
        while node is not None and steps <= len(parent_of) + 1:
            node = parent_of.get(node, existing[node].parent.code if node in existing and existing[node].parent else None)
            steps += 1
            if node == row["code"]:
                errors.append(f"Dòng {line}: vòng lặp cha–con qua mã '{row['code']}'.")
                break
    if errors:
        raise AreaError("\n".join(errors))

    created = updated = 0
    pending = list(rows)
    while pending:
        progress, rest = False, []
        for line, row in pending:
            parent_code = row["parent_code"] or None
            parent = existing.get(parent_code) if parent_code else None
            if parent_code and parent is None:
                rest.append((line, row))
                continue
            area = existing.get(row["code"])
            if area is None:
                area = add_area(session, code=row["code"], name=row["name"], level=row["level"], parent=parent)
                existing[area.code] = area
                created += 1
            else:
                area.name, area.level = row["name"], row["level"]
                current_parent = area.parent.code if area.parent else None
                if current_parent != parent_code:
                    move_area(session, area, parent, actor=actor)
                    existing = {a.code: a for a in session.scalars(select(Area))}
                updated += 1
            progress = True
        if not progress:  # pragma: no cover - cycles are caught above
            raise AreaError("Không xác định được thứ tự cha–con.")
        pending = rest
    record(session, user=None, actor=actor, action="area.import", entity_type="area", entity_id="*",
           summary=f"Nhập cây địa bàn: {created} mới, {updated} cập nhật")
    return created, updated
