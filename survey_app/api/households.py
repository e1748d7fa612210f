from flask import jsonify, request
from flask_login import current_user

from ..access import area_in_scope_or_404, household_in_scope_or_404, permission_required
from ..extensions import db
from ..households.queries import household_query
from ..inputs import YEARS, client_int
from ..pagination import page_args, paginate
from .views import bp


def household_json(h) -> dict:
    return {
        "code": h.code,
        "head_name": h.head_name,
        "ethnic_group": {"code": h.ethnic_group_code, "name": h.ethnic_group.name},
        "village": {"code": h.village.code, "name": h.village.name},
        "members": h.members,
        "address": h.address,
        "statuses": {str(s.year): s.status for s in h.statuses},
    }


@bp.get("/households")
@permission_required("household.view")
def households():
    args = request.args
    year = client_int(args, "year", None, *YEARS)
    area = area_in_scope_or_404(args["area"]) if args.get("area") else None
    stmt = household_query(current_user, area=area, ethnic_group=args.get("ethnic_group", ""),
                           status=args.get("status", ""), year=year, text=args.get("q", ""))
    page = paginate(db.session, stmt, *page_args(args, 100))
    return jsonify({"items": [household_json(h) for h in page.items], **page.to_meta()})


@bp.get("/households/<code>")
@permission_required("household.view")
def household(code):
    return jsonify(household_json(household_in_scope_or_404(code)))
