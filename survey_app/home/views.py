"""The home page and the navigation menu."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..access import area_clause
from ..extensions import db
from ..models import Area, Household

bp = Blueprint("home", __name__)

MENU = [
    ("home.index", "Trang chủ", None),
    ("fieldwork.home", "Khảo sát", ("enumerator", "supervisor", "admin")),
    ("review.queue", "Duyệt phiếu", ("supervisor", "admin")),
    ("households.index", "Hộ gia đình", None),
    ("reports.index", "Báo cáo", None),
    ("printing.jobs", "Tập hồ sơ in", None),
    ("rounds.index", "Đợt khảo sát", ("admin",)),
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
def index():
    if current_user.role == "enumerator":
        return redirect(url_for("fieldwork.home"))
    households = db.session.scalar(
        select(func.count(Household.id)).join(Area, Household.village_id == Area.id)
        .where(area_clause(current_user, Area.path))
    )
    return render_template("home.html", household_count=households or 0)
