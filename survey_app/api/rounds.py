"""GET /api/v1/rounds: the open rounds the caller works in, with the compiled questionnaire of each."""
from flask import jsonify
from flask_login import current_user

from ..access import permission_required
from ..extensions import db
from ..surveys.rounds import round_json, rounds_open_to
from .views import bp


@bp.get("/rounds")
@permission_required("round.view")
def rounds():
    return jsonify({"items": [round_json(r, with_definition=True) for r in rounds_open_to(db.session, current_user)]})
