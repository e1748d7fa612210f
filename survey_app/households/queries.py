"""Queries over the household register shared by the pages and the API."""
from __future__ import annotations

from sqlalchemy import or_, select

from ..access import area_clause
from ..core.clock import vietnam_today
from ..models import Area, Household, HouseholdStatus, User


def household_query(user: User, *, area: Area | None = None, ethnic_group: str = "", status: str = "", year: int | None = None,
                    text: str = ""):
    """The filtered, area-limited select used by the list page and the API (`area`: already checked in scope)."""
    stmt = (select(Household).join(Area, Household.village_id == Area.id)
            .where(area_clause(user, Area.path)).order_by(Household.code))
    if area is not None:
        stmt = stmt.where(Area.path.startswith(area.path, autoescape=True))
    if ethnic_group:
        stmt = stmt.where(Household.ethnic_group_code == ethnic_group)
    if status:
        stmt = stmt.join(HouseholdStatus, HouseholdStatus.household_id == Household.id).where(
            HouseholdStatus.status == status, HouseholdStatus.year == (year or vietnam_today().year))
    if text:
        like = f"%{text.strip()}%"
        stmt = stmt.where(or_(Household.code.ilike(like), Household.head_name.ilike(like)))
    return stmt
