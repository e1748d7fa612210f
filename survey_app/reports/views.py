"""Report pages for every role within their area, exports, and target editing (admins)."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from survey_app.access import area_in_scope_or_404, permission_required
from survey_app.errors import NotFound
from survey_app.extensions import db
from survey_app.inputs import client_int
from survey_app.models import TARGET_OPERATOR_LABELS, Area, OutcomeTarget, SurveyRound
from survey_app.reports.report import build_report, list_cell, list_text, outcome_specs, round_link
from survey_app.reports.targets import TargetError, delete_target, set_target
from survey_app.results.rulesets import round_rulesets
from survey_app.surveys.rounds import round_by_code

from .chart import outcome_chart
from .exports import Export, household_export, stream_csv, stream_file, table_export, write_xlsx
from .queries import scored_rounds, top_areas

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def round_or_404(code: str) -> SurveyRound:
    survey_round = round_by_code(db.session, code)
    if survey_round is None:
        raise NotFound()
    return survey_round


def report_or_404(round_code: str, area_code: str, **options):
    survey_round = round_or_404(round_code)
    area = area_in_scope_or_404(area_code)
    report = build_report(db.session, survey_round, area, ruleset_id=request.args.get("ruleset") or None, **options)
    if report is None:
        raise NotFound("Đợt khảo sát này chưa được gán bộ quy tắc chấm điểm nên chưa có báo cáo.")
    return report


@bp.route("/")
@permission_required("report.view")
def index():
    rounds = scored_rounds(db.session)
    areas = top_areas(current_user)
    if rounds and len(areas) == 1:
        return redirect(url_for("reports.show", round_code=rounds[0].code, area_code=areas[0].code))
    return render_template("reports/index.html", rounds=rounds, areas=areas)


@bp.route("/<round_code>/<area_code>")
@permission_required("report.view")
def show(round_code: str, area_code: str):
    ethnic = request.args.get("ethnic") == "1"
    report = report_or_404(round_code, area_code, ethnic=ethnic)
    breadcrumbs = [a for a in _ancestors(report.area) if current_user.covers(a)]
    return render_template(
        "reports/show.html", report=report, rollup=report.rollup, ethnic=ethnic, rounds=scored_rounds(db.session),
        rulesets=round_rulesets(db.session, report.survey_round.id), breadcrumbs=breadcrumbs,
        chart=outcome_chart(report.rollup.total, f"Kết quả so với chỉ tiêu — {report.area.name}",
                            report.percent_rule), percent=report.percent_rule, list_text=list_text,
        list_cell=list_cell)


def _ancestors(area: Area) -> list[Area]:
    ids = [int(part) for part in area.path.strip("/").split("/") if part]
    by_id = {a.id: a for a in db.session.scalars(select(Area).where(Area.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def _filename(report, kind: str, extension: str) -> str:
    return f"{kind}-{report.survey_round.code}-{report.area.code}.{extension}"


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(report, export: Export, kind: str) -> Response:
    """The CSV for people, or with ``?dang=may`` the one for machines (docs/reports.md)."""
    for_machines = request.args.get("dang") == "may"
    name = _filename(report, f"{kind}-may" if for_machines else kind, "csv")
    return _download(stream_with_context(stream_csv(export, for_machines=for_machines)), "text/csv; charset=utf-8",
                     name)


@bp.route("/<round_code>/<area_code>/bang.<fmt>")
@permission_required("report.view")
def export_table(round_code: str, area_code: str, fmt: str):
    report = report_or_404(round_code, area_code, compare=False)
    if fmt == "csv":
        return _csv(report, table_export(report), "bao-cao")
    if fmt == "xlsx":
        path = write_xlsx(table_export(report), f"Báo cáo {report.survey_round.code}")
        return _download(stream_file(path), XLSX, _filename(report, "bao-cao", "xlsx"))
    raise NotFound()


@bp.route("/<round_code>/<area_code>/ho.<fmt>")
@permission_required("report.view")
def export_households(round_code: str, area_code: str, fmt: str):
    report = report_or_404(round_code, area_code, compare=False)
    session, area = db.session, report.area
    if fmt == "csv":
        return _csv(report, household_export(session, report, area), "ket-qua-ho")
    if fmt == "xlsx":
        def build_and_stream():
            path = write_xlsx(household_export(session, report, area), f"Kết quả hộ {report.survey_round.code}")
            yield from stream_file(path)

        return _download(stream_with_context(build_and_stream()), XLSX, _filename(report, "ket-qua-ho", "xlsx"))
    raise NotFound()


@bp.route("/<round_code>/chi-tieu", methods=["GET", "POST"])
@permission_required("report.targets")
def targets(round_code: str):
    survey_round = round_or_404(round_code)
    found = round_link(db.session, survey_round)
    if found is None:
        raise NotFound("Đợt khảo sát này chưa được gán bộ quy tắc chấm điểm.")
    outcomes = outcome_specs(found[1])
    errors: list[str] = []
    if request.method == "POST":
        errors = _save_target(survey_round, {o.id for o in outcomes})
        if not errors:
            flash("Đã lưu chỉ tiêu.", "success")
            return redirect(url_for("reports.targets", round_code=round_code))
    rows = db.session.execute(select(OutcomeTarget, Area).outerjoin(Area, Area.id == OutcomeTarget.area_id)
                              .where(OutcomeTarget.round_id == survey_round.id)
                              .order_by(Area.path.is_not(None), Area.path, OutcomeTarget.outcome_id)).all()
    visible = [(t, a) for t, a in rows if a is None or current_user.covers(a)]
    status = 422 if errors else 200
    return render_template("reports/targets.html", survey_round=survey_round, outcomes=outcomes, rows=visible,
                           errors=errors, operators=TARGET_OPERATOR_LABELS,
                           labels={o.id: o.label for o in outcomes}), status


def _save_target(survey_round: SurveyRound, outcome_ids: set[str]) -> list[str]:
    form = request.form
    if form.get("delete"):
        target = db.session.get(OutcomeTarget, client_int(form, "delete", 0))
        if target is None or target.round_id != survey_round.id or (
                target.area is not None and not current_user.covers(target.area)):
            raise NotFound()
        delete_target(db.session, target, user=current_user)
        return []
    outcome_id = form.get("outcome_id", "")
    if outcome_id not in outcome_ids:
        return ["Chọn một kết quả của bộ quy tắc."]
    area = None
    if form.get("area_code", "").strip():
        area = db.session.scalar(select(Area).where(Area.code == form["area_code"].strip()))
        if area is None or not current_user.covers(area):
            return [f"Không có địa bàn mã «{form['area_code'].strip()}» trong địa bàn của bạn."]
    try:
        percent = float(form.get("percent", "").replace(",", "."))
    except ValueError:
        return ["Chỉ tiêu phải là một số phần trăm, ví dụ 15 hoặc 40,5."]
    try:
        set_target(db.session, survey_round, outcome_id, area, form.get("operator", ""), percent,
                   note=form.get("note", "")[:300], user=current_user)
    except TargetError as err:
        return err.lines
    return []


@bp.route("/<round_code>/<area_code>/chenh-lech-tinh-trang")
@permission_required("report.view")
def poverty_mismatches(round_code, area_code):
    """Households whose status computed by the national standard differs from the commune's official status."""
    from survey_app.reports.mismatches import mismatches, status_ruleset
    from survey_app.results.store import status_years

    survey_round = round_or_404(round_code)
    area = area_in_scope_or_404(area_code)
    if status_ruleset(db.session, survey_round) is None:
        raise NotFound("Đợt khảo sát này không có bộ quy tắc chuẩn nghèo quốc gia.")
    rows = mismatches(db.session, survey_round, area)
    return render_template("reports/mismatches.html", survey_round=survey_round, area=area, rows=rows,
                           year=status_years(survey_round)[1])
