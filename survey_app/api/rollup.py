"""GET /api/v1/rollup?area=CODE&round=CODE[&ruleset=ID][&ethnic=1] — the rollup as JSON, for the province's
other systems. Without `area`: the caller's top area; without `round`: the newest round that has a ruleset."""
from flask import jsonify, request
from flask_login import current_user

from ..access import area_in_scope_or_404, permission_required
from ..errors import NotFound
from ..extensions import db
from ..reports.queries import scored_rounds, top_areas
from ..reports.report import build_report, report_json
from ..surveys.rounds import round_by_code
from .views import bp


@bp.get("/rollup")
@permission_required("report.view")
def rollup():
    args = request.args
    if args.get("area"):
        area = area_in_scope_or_404(args["area"])
    else:
        areas = top_areas(current_user)
        if not areas:
            raise NotFound()
        area = areas[0]
    if args.get("round"):
        survey_round = round_by_code(db.session, args["round"])
        if survey_round is None:
            raise NotFound()
    else:
        rounds = scored_rounds(db.session)
        if not rounds:
            raise NotFound("Chưa có đợt khảo sát nào được gán bộ quy tắc chấm điểm.")
        survey_round = rounds[0]
    report = build_report(db.session, survey_round, area, ruleset_id=args.get("ruleset") or None,
                          ethnic=args.get("ethnic") == "1")
    if report is None:
        raise NotFound("Đợt khảo sát này chưa được gán bộ quy tắc chấm điểm.")
    return jsonify(report_json(report))
