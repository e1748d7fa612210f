"""Role and area checks used by every view that shows or changes data.

Out-of-area objects answer 404 (their existence is not revealed); a role that may
not perform an action answers 403.
"""
from __future__ import annotations

from functools import wraps

from flask_login import current_user, login_required
from sqlalchemy import false, or_, select

from .errors import Forbidden, NotFound
from .extensions import db
from .models import Area, Household, User

EDIT_HOUSEHOLD_ROLES = ("admin", "supervisor", "enumerator")


def roles_required(*roles: str):
    """Login required, and the account's role must be one of `roles`."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def area_clause(user: User, path_column):
    """SQL condition: `path_column` lies inside one of the user's subtrees."""
    paths = user.area_paths
    if not paths:
        return false()
    return or_(*[path_column.startswith(p, autoescape=True) for p in paths])


def scoped_areas(user: User):
    return select(Area).where(area_clause(user, Area.path))


def area_in_scope_or_404(code: str, user: User | None = None) -> Area:
    user = user or current_user
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or not user.covers(area):
        raise NotFound()
    return area


def household_in_scope_or_404(code: str, user: User | None = None) -> Household:
    user = user or current_user
    household = db.session.scalar(select(Household).where(Household.code == code))
    if household is None or not user.covers(household.village):
        raise NotFound()
    return household
