"""The home page and the navigation menu."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..access import area_clause, can
from ..extensions import db
from ..models import Area, Household

bp = Blueprint("home", __name__)

# (endpoint, label, the permission that shows it; None: every signed-in account)
MENU = [
    ("home.index", "Trang chủ", None),
    ("fieldwork.home", "Khảo sát", "fieldwork.use"),
    ("review.queue", "Duyệt phiếu", "submission.review"),
    ("households.index", "Hộ gia đình", "household.view"),
    ("reports.index", "Báo cáo", "report.view"),
    ("printing.jobs", "Tập hồ sơ in", "paper.print"),
    ("rounds.index", "Đợt khảo sát", "round.manage"),
    ("admin.users", "Tài khoản", "account.manage"),
    ("admin.audit", "Nhật ký", "audit.view"),
]


@bp.app_context_processor
def inject_menu():
    def main_menu():
        if not current_user.is_authenticated:
            return []
        return [(e, label) for e, label, permission in MENU if permission is None or can(current_user, permission)]

    return {"main_menu": main_menu}


@bp.route("/")
@login_required
def index():
    if can(current_user, "fieldwork.use") and not can(current_user, "submission.review"):  # an enumerator
        return redirect(url_for("fieldwork.home"))
    households = db.session.scalar(
        select(func.count(Household.id)).join(Area, Household.village_id == Area.id)
        .where(area_clause(current_user, Area.path))
    )
    return render_template("home.html", household_count=households or 0)
