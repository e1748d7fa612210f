"""Admin pages for survey rounds under /rounds/ (role admin, limited to the admin's areas)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import permission_required
from ..errors import NotFound
from ..extensions import db
from ..models import QuestionnaireVersion, Submission, SurveyRound
from . import rounds as service
from .forms import RoundCreateForm, RoundEditForm
from .versions import all_versions

bp = Blueprint("rounds", __name__, url_prefix="/rounds", template_folder="templates")


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _show_errors(form, err: service.RoundError) -> None:
    for name, message in err.errors.items():
        target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


@bp.route("/")
@permission_required("round.manage")
def index():
    rounds = db.session.scalars(select(SurveyRound).options(selectinload(SurveyRound.areas))
                                .order_by(SurveyRound.period_start.desc(), SurveyRound.code))
    visible = [r for r in rounds if service.manageable_by(current_user, r)]
    counts = dict(db.session.execute(
        select(Submission.round_id, func.count(Submission.id)).where(
            Submission.round_id.in_([r.id for r in visible]), Submission.is_current.is_(True))
        .group_by(Submission.round_id)).all()) if visible else {}
    return render_template("surveys/rounds.html", rounds=visible, counts=counts)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("round.manage")
def create():
    form = RoundCreateForm()
    versions = all_versions(db.session)
    form.questionnaire_version.choices = [("", "— Chọn bảng hỏi —")] + [(str(v.id), f"{v.label} · {v.form_id}")
                                                                         for v in versions]
    if request.method == "GET":
        form.areas.data = ", ".join(a.code for a in current_user.areas)
    if form.validate_on_submit():
        chosen = form.questionnaire_version.data or ""
        qv = db.session.get(QuestionnaireVersion, int(chosen)) if chosen.isdigit() else None
        try:
            survey_round = service.create_round(
                db.session, current_user, form.code.data, form.name.data, qv, form.period_start.data,
                form.period_end.data, _codes(form.areas.data), form.series.data,
                count_only_approved=form.count_only_approved.data, percent_rule=form.percent_rule.data,
                denominator=form.denominator.data)
            service.set_round_open(db.session, current_user, survey_round, form.is_open.data)
        except service.RoundError as err:
            _show_errors(form, err)
        else:
            flash(f"Đã tạo đợt khảo sát {survey_round.code}.", "success")
            return redirect(url_for("rounds.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("surveys/round_form.html", form=form, survey_round=None,
                           has_versions=bool(versions)), status


@bp.route("/<int:round_id>", methods=["GET", "POST"])
@permission_required("round.manage")
def edit(round_id):
    survey_round = db.session.get(SurveyRound, round_id)
    if survey_round is None or not service.manageable_by(current_user, survey_round):
        raise NotFound()
    form = RoundEditForm(obj=survey_round)
    shown = {"period_start": survey_round.period_start.isoformat(), "period_end": survey_round.period_end.isoformat(),
             "areas": ", ".join(a.code for a in survey_round.areas), "percent_rule": survey_round.percent_rule.setting,
             "denominator": survey_round.denominator}
    for name, text in shown.items():  # the fields' text, never the model's dates and list
        if request.method == "GET" or name not in request.form:
            getattr(form, name).data = text
    if form.validate_on_submit():
        try:
            service.update_round(db.session, current_user, survey_round, name=form.name.data,
                                 period_start=form.period_start.data, period_end=form.period_end.data,
                                 area_codes=_codes(form.areas.data), is_open=form.is_open.data,
                                 count_only_approved=form.count_only_approved.data, percent_rule=form.percent_rule.data,
                                 denominator=form.denominator.data)
        except service.RoundError as err:
            _show_errors(form, err)
        else:
            flash(f"Đã lưu đợt khảo sát {survey_round.code}.", "success")
            return redirect(url_for("rounds.index"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("surveys/round_form.html", form=form, survey_round=survey_round,
                           has_versions=True), status
