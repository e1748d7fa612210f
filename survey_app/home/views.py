"""The home page and the navigation menu."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, text

from ..access import area_clause, can
from ..extensions import db
from ..models import Area, Household
from ..review.waiting import waiting_for

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
    waiting = waiting_for(db.session, current_user) if can(current_user, "submission.review") else None
    return render_template("home.html", household_count=households or 0, waiting=waiting)


@bp.route("/healthz")
def healthz():
    """For the load balancer and monitoring, without login: the database answers, the job queue can run.
    200 ``{"status": "ok", "database": "ok", "queue": "ok"}``, or 503 naming what failed (no details beyond the
    kind of error: anyone may call it). No job worker seen lately is ``degraded`` with 200: this server still
    serves everything but the printing of booklets."""
    from ..jobs.enqueue import job_queue
    from ..jobs.queue import WORKER_SILENCE_SECONDS
    from ..jobs.service import queue_problem

    checks = {"database": "ok", "queue": "ok"}
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # any failure to answer is the finding
        db.session.rollback()
        checks["database"] = f"error: {type(err).__name__}"
        checks["queue"] = "unknown (no database)"
    else:
        try:
            problem = queue_problem(db.session, current_app.config["STORAGE_DIR"])
            silence = None if problem else job_queue().worker_silence()
        except Exception as err:  # the database or the queue's storage did not answer
            db.session.rollback()
            problem = f"{type(err).__name__}"
        if problem:
            checks["queue"] = f"error: {problem}"
        elif silence is None or silence > WORKER_SILENCE_SECONDS:
            checks["queue"] = "degraded: no job worker running"
    failed = any(value.startswith(("error", "unknown")) for value in checks.values())
    status = "error" if failed else "ok" if all(value == "ok" for value in checks.values()) else "degraded"
    response = jsonify({"status": status, **checks})
    response.status_code = 503 if failed else 200
    return response  # no-store, like every response but static files (security_headers.py)
