"""Household operations used by the pages, the API, the CLI and the importer (no Flask)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..access import area_clause, can
from ..errors import Forbidden, Invalid
from ..models import POVERTY_STATUSES, Area, EthnicGroup, Household, HouseholdStatus, User, record
from ..reports.summary import refresh_list


class HouseholdError(Invalid):
    """A Vietnamese message naming the field that is wrong."""


CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
"""A household code: letters without marks, digits, `.`, `_`, `-`; up to 40 characters. No `/`, space, CR or LF,
so that it can always be opened again (`/households/<code>`, the printed sheet's file name)."""


def code_problem(code: str) -> str | None:
    """What is wrong with a household code, in Vietnamese (None: it is valid)."""
    if not code:
        return "mã hộ trống"
    if len(code) > 40:
        return "mã hộ dài quá 40 ký tự"
    if not CODE_PATTERN.match(code):
        return (f"mã hộ '{code[:40].encode('unicode_escape').decode()}' chỉ được gồm chữ không dấu, số, "
                "dấu chấm, gạch dưới và gạch ngang")
    return None


def ethnic_groups(session: Session) -> list[EthnicGroup]:
    return list(session.scalars(select(EthnicGroup).order_by(EthnicGroup.sort_order, EthnicGroup.name)))


def villages_in_scope(session: Session, user: User) -> list[Area]:
    """Leaf areas (villages) inside the user's subtrees, for pickers."""
    from sqlalchemy.orm import aliased

    child = aliased(Area)
    has_child = select(child.id).where(child.parent_id == Area.id).exists()
    stmt = select(Area).where(area_clause(user, Area.path), ~has_child).order_by(Area.path)
    return list(session.scalars(stmt))


def is_leaf(session: Session, area: Area) -> bool:
    return session.scalar(select(Area.id).where(Area.parent_id == area.id).limit(1)) is None


def save_household(session: Session, user: User, *, household: Household | None, code: str, head_name: str,
                   ethnic_group_code: str, village: Area, members: int, address: str = "",
                   statuses: dict[int, str] | None = None) -> Household:
    """Create or update one household, with an audit row in the same transaction."""
    if not can(user, "household.edit"):
        raise HouseholdError("Tài khoản chỉ xem, không được thêm hoặc sửa hộ.")
    code, head_name = code.strip(), " ".join(head_name.split())
    if problem := code_problem(code):
        raise HouseholdError(f"Mã hộ: {problem}.")
    if not head_name:
        raise HouseholdError("Tên chủ hộ: không được để trống.")
    if not user.covers(village):
        raise HouseholdError("Thôn: nằm ngoài địa bàn của bạn.")
    if not is_leaf(session, village):
        raise HouseholdError("Thôn: phải chọn một thôn/làng (cấp thấp nhất).")
    if session.get(EthnicGroup, ethnic_group_code) is None:
        raise HouseholdError("Dân tộc: không có trong danh mục.")
    if not 1 <= members <= 60:
        raise HouseholdError("Số thành viên: phải từ 1 đến 60.")
    clash = session.scalar(select(Household).where(Household.code == code))
    if clash is not None and clash is not household:
        raise HouseholdError(f"Mã hộ: '{code}' đã được dùng cho hộ khác.")
    for year, status in (statuses or {}).items():
        if status and status not in POVERTY_STATUSES:
            raise HouseholdError(f"Tình trạng năm {year}: giá trị không hợp lệ.")
    old_statuses = {s.year: s.status for s in household.statuses} if household is not None else {}
    changed = {year: status for year, status in (statuses or {}).items()
               if (status or None) != old_statuses.get(year)}
    if changed and not can(user, "household.official_status"):
        raise Forbidden("Tình trạng nghèo chính thức: chỉ giám sát hoặc quản trị của xã được thay đổi "
                        "(quyết định của xã).")

    before = household.snapshot() if household is not None else None
    old_village_id = household.village_id if household is not None else None
    if household is None:
        household = Household(code=code)
        session.add(household)
    household.code = code
    household.head_name = head_name
    household.ethnic_group_code = ethnic_group_code
    household.village = village
    household.members = members
    household.address = address.strip()
    set_statuses(household, statuses or {})
    session.flush()
    refresh_list(session, village_ids={old_village_id, household.village_id})
    record(session, user=user, action="household.update" if before else "household.create",
           entity_type="household", entity_id=household.code,
           summary=("Sửa hộ " if before else "Thêm hộ ") + f"{household.code} — {household.head_name}",
           before=before, after=household.snapshot())
    if changed:
        record(session, user=user, action="household.official_status", entity_type="household",
               entity_id=household.code, summary=f"Đổi tình trạng nghèo chính thức của hộ {household.code}",
               before={str(y): old_statuses.get(y) for y in changed}, after={str(y): s or None for y, s in changed.items()})
    return household


def write_back_members(session: Session, user: User | None, household: Household, members: int,
                       submission_uuid: str) -> bool:
    """An approved survey counted a different number of members: the register takes it, with an audit entry
    (the approving supervisor, before/after). False when nothing changed or the count is outside the register's
    range (the register keeps its value)."""
    if members == household.members or not 1 <= members <= 60:
        return False
    before = household.members
    household.members = members
    record(session, user=user, action="household.members", entity_type="household", entity_id=household.code,
           summary=f"Cập nhật số nhân khẩu của hộ {household.code} theo phiếu đã duyệt: {before} → {members}",
           before={"members": before}, after={"members": members, "submission": submission_uuid})
    return True


def set_statuses(household: Household, statuses: dict[int, str]) -> None:
    """Set (or clear, with an empty value) the official status for the given years."""
    by_year = {s.year: s for s in household.statuses}
    for year, status in statuses.items():
        existing = by_year.get(year)
        if not status:
            if existing is not None:
                household.statuses.remove(existing)
        elif existing is not None:
            existing.status = status
        else:
            household.statuses.append(HouseholdStatus(year=year, status=status))
