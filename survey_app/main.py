"""The home page and the navigation menu."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from .access import area_clause
from .extensions import db
from .models import Area, Household

bp = Blueprint("main", __name__)

MENU = [
    ("main.home", "Trang chủ", None),
    ("households.index", "Hộ gia đình", None),
    ("admin.users", "Tài khoản", ("admin",)),
    ("admin.audit", "Nhật ký", ("admin",)),
]


@bp.app_context_processor
def inject_menu():
    def main_menu():
        if not current_user.is_authenticated:
            return []
        return [(e, label, roles) for e, label, roles in MENU if roles is None or current_user.role in roles]

    return {"main_menu": main_menu}


@bp.route("/")
@login_required
def home():
    households = db.session.scalar(
        select(func.count(Household.id)).join(Area, Household.village_id == Area.id)
        .where(area_clause(current_user, Area.path))
    )
    return render_template("home.html", household_count=households or 0)
