"""Printed paper routes: the household sheet PDF, village booklets as background jobs, the campaign report PDF.

Every route checks the area: a household, village, job or area outside the user's subtrees answers 404.
"""
from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from ..access import area_clause, area_in_scope_or_404, household_in_scope_or_404, permission_required
from ..areas import area_labels
from ..errors import Invalid, NotFound
from ..extensions import db
from ..jobs.enqueue import enqueue_after_commit
from ..jobs.service import create_job, job_json, recover_stale
from ..models import Area, Job, SurveyRound
from . import STATIC_ROOT, render_template_pdf
from .booklet import booklet_households
from .report import report_context
from .sheet import sheet_context

bp = Blueprint("printing", __name__, template_folder="templates")

BOOKLET_KIND = "village_booklet"


def jobs_dir() -> Path:
    """Under STORAGE_DIR, a volume every app server mounts at the same path: the job created through one server
    is downloaded through another."""
    return Path(current_app.config["STORAGE_DIR"]) / "jobs"


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=filename)  # quoted/encoded by Werkzeug
    return response  # no-store, like every response but static files (security_headers.py)


@bp.route("/households/<code>/sheet.pdf")
@permission_required("household.view")
def household_sheet(code):
    household = household_in_scope_or_404(code)
    context = sheet_context(db.session, household, round_code=request.args.get("round") or None)  # UnknownRound: 404
    pdf = render_template_pdf(current_app.jinja_env, "print/household_sheet.html", context, STATIC_ROOT)
    return pdf_response(pdf, f"ho-so-{household.code}.pdf")


def _villages_in_scope() -> list[Area]:
    """Leaf areas (villages) the user covers."""
    parents = select(Area.parent_id).where(Area.parent_id.is_not(None))
    return list(db.session.scalars(select(Area).where(area_clause(current_user, Area.path), Area.id.not_in(parents))
                                   .order_by(Area.path)))


def _rounds_for(village: Area) -> list[SurveyRound]:
    rounds = db.session.scalars(select(SurveyRound).order_by(SurveyRound.period_end.desc(), SurveyRound.id.desc()))
    return [r for r in rounds if r.covers(village)]


@bp.route("/paper/booklets/new")
@permission_required("paper.print")
def booklet_new():
    villages = _villages_in_scope()
    village = area_in_scope_or_404(request.args["village"]) if request.args.get("village") else None
    households = booklet_households(db.session, village, None) if village is not None else []
    rounds = _rounds_for(village) if village is not None else []
    return render_template("printing/booklet_new.html", villages=villages, village=village, households=households,
                           rounds=rounds, labels=area_labels(db.session, villages))


def _own_jobs() -> list[Job]:
    jobs = list(db.session.scalars(select(Job).where(Job.user_id == current_user.id)
                                   .order_by(Job.created_at.desc(), Job.id.desc()).limit(50)))
    enqueue_after_commit(recover_stale(db.session, [job for job in jobs if job.active]))
    return jobs


@bp.route("/paper/booklets", methods=["POST"])
@permission_required("paper.print")
def booklet_create():
    village = area_in_scope_or_404(request.form.get("village", ""))
    if db.session.scalar(select(Area.id).where(Area.parent_id == village.id).limit(1)) is not None:
        raise Invalid("Hãy chọn một thôn (tập hồ sơ được in theo từng thôn).")
    codes = [c for c in request.form.getlist("households") if c]
    selection = None
    if request.form.get("scope") == "selection":
        if not codes:
            raise Invalid("Chưa chọn hộ nào để in.")
        known = {h.code for h in booklet_households(db.session, village, codes)}
        if set(codes) - known:
            raise NotFound()
        selection = sorted(known)
    round_code = request.form.get("round") or None
    if round_code is not None:
        survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.code == round_code))
        if survey_round is None or not survey_round.covers(village):
            raise Invalid("Đợt khảo sát không bao gồm thôn này.")
    if any(job.active for job in _own_jobs()):
        flash("Bạn đang có một tập hồ sơ đang được in. Hãy chờ xong rồi tạo tập mới.", "error")
        return redirect(url_for("printing.jobs"), 303)
    title = f"Tập hồ sơ hộ {village.display_name}" + (f" ({len(selection)} hộ được chọn)" if selection else "")
    job = create_job(db.session, kind=BOOKLET_KIND, title=title, user=current_user, area=village,
                     params={"village": village.code, "households": selection, "round": round_code},
                     output_dir=jobs_dir())
    enqueue_after_commit([job.id])
    return redirect(url_for("printing.job_page", job_id=job.id), 303)


def job_in_scope_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None or not current_user.covers(job.area):
        raise NotFound()
    if job.active:
        enqueue_after_commit(recover_stale(db.session, [job]))
    return job


@bp.route("/paper/jobs")
@permission_required("paper.print")
def jobs():
    return render_template("printing/jobs.html", jobs=_own_jobs())


@bp.route("/paper/jobs/<int:job_id>")
@permission_required("paper.print")
def job_page(job_id):
    return render_template("printing/job.html", job=job_in_scope_or_404(job_id))


@bp.route("/paper/jobs/<int:job_id>/status")
@permission_required("paper.print")
def job_status(job_id):
    job = job_in_scope_or_404(job_id)
    data = job_json(job)
    data["download_url"] = url_for("printing.job_download", job_id=job.id) if job.state == "done" else None
    return jsonify(data)


@bp.route("/paper/jobs/<int:job_id>/download")
@permission_required("paper.print")
def job_download(job_id):
    job = job_in_scope_or_404(job_id)
    path = Path(job.output_path)
    if job.state != "done" or not path.is_file():
        raise NotFound("Tệp chưa sẵn sàng hoặc đã bị xoá. Hãy tạo lại tập hồ sơ.")
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=job.output_name or f"job-{job.id}.pdf", max_age=0)


@bp.route("/paper/reports/<round_code>/<area_code>.pdf")
@permission_required("report.view")
def campaign_report(round_code, area_code):
    area = area_in_scope_or_404(area_code)
    survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.code == round_code))
    if survey_round is None:
        raise NotFound()
    context = report_context(db.session, survey_round, area, ruleset_id=request.args.get("ruleset") or None)
    if context is None:
        raise NotFound("Đợt khảo sát này chưa được gán bộ quy tắc chấm điểm nên chưa có báo cáo.")
    pdf = render_template_pdf(current_app.jinja_env, "print/campaign_report.html", context, STATIC_ROOT)
    return pdf_response(pdf, f"bao-cao-{area.code}-{survey_round.code}.pdf")
