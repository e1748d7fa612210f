"""Who may do what: the ONE permission table, and the area checks used by every view that shows or changes data.

A permission names an action (``"submission.review"``); ``PERMISSIONS`` lists the roles that hold it. Views use
``permission_required`` (login required, then 403), services use ``can`` and raise their own 403 refusal, and
templates call the Jinja global ``can("...")``. The area is a separate check: out-of-area objects answer 404
(their existence is not revealed).
"""
from __future__ import annotations

from functools import wraps

from flask_login import current_user, login_required
from sqlalchemy import false, or_, select

from .errors import Forbidden, NotFound
from .extensions import db
from .models import ROLES, Area, Household, User

EVERYONE = frozenset(ROLES)
STAFF = frozenset({"admin", "supervisor", "enumerator"})  # every role but the read-only viewer
REVIEWERS = frozenset({"admin", "supervisor"})
ADMINS = frozenset({"admin"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # households: the register, its pages and the API
    "household.view": EVERYONE,
    "household.edit": STAFF,
    "household.import": REVIEWERS,
    "household.official_status": REVIEWERS,  # the commune's decision (QĐ 24/2021/QĐ-TTg), within their areas
    # fieldwork and submissions
    "fieldwork.use": STAFF,
    "submission.view": EVERYONE,  # one submission as JSON (area-limited)
    "submission.list": STAFF,
    "submission.edit": STAFF,  # save a draft, send
    "device.sync": STAFF,  # the device package, a per-device credential (offline fieldwork, docs/offline.md)
    "submission.others": REVIEWERS,  # act on (edit, comment, list) submissions another enumerator entered
    "comment.add": STAFF,
    "submission.review": REVIEWERS,  # queue, decisions, corrections, bulk approval, the counted submission
    # reports and printing
    "report.view": EVERYONE,
    "report.targets": ADMINS,
    "paper.print": EVERYONE,
    # administration
    "round.view": EVERYONE,  # the open rounds of one's areas (API)
    "round.manage": ADMINS,
    "account.manage": ADMINS,
    "audit.view": ADMINS,
}


def can(user, permission: str) -> bool:
    """True when ``user`` (an account, or Flask-Login's anonymous user) holds ``permission``."""
    roles = PERMISSIONS[permission]  # an unknown name is a programming error, not a refusal
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", None) in roles


def permission_required(permission: str):
    """Login required, and the account's role must hold ``permission`` (403 otherwise)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, permission):
                raise Forbidden()
            return view(*args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator


def register_template_globals(app) -> None:
    """``{% if can("household.import") %}`` in templates, for the signed-in account."""
    app.jinja_env.globals["can"] = lambda permission: can(current_user, permission)


def area_clause(user: User, path_column):
    """SQL condition: `path_column` lies inside one of the user's subtrees."""
    paths = user.area_paths
    if not paths:
        return false()
    return or_(*[path_column.startswith(p, autoescape=True) for p in paths])


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
