"""Review API: POST /api/v1/submissions/<uuid>/review and GET /api/v1/submissions (the queue as JSON).

Same service, same rules and area limits as the review pages. Statuses: 403 role, 404 outside the area or
unknown, 409 illegal transition, 422 bad body or missing comment; every refusal is a ``ServiceError`` that the
one error handler (``survey_app.problems``) writes in the documented JSON shape.
"""
from flask import jsonify, request
from flask_login import current_user

from ..access import can
from ..core import review_states
from ..core.clock import iso
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..pagination import page_args
from ..review.queue import ALL_STATES, parse_filters, queue_page
from ..submissions import choose_counted, decide, latest_comments, submission_in_scope, submission_json
from ..submissions.serialize import comment_json
from .views import bp


def _comment_of(body: dict) -> str:
    comment = body.get("comment") or ""
    if not isinstance(comment, str):
        raise Invalid("Nhận xét (comment) phải là chuỗi.", {"comment": "Phải là chuỗi"})
    return comment


@bp.post("/submissions/<value>/review")
def submission_review(value):
    if not can(current_user, "submission.review"):
        raise Forbidden("Chỉ giám sát và quản trị được duyệt phiếu.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        raise Invalid('Thân yêu cầu phải là JSON {"state": "...", "comment": "..."}.',
                      {"state": f"Một trong: {', '.join(review_states.REVIEW_STATES)}"})
    comment = _comment_of(body)
    submission = submission_in_scope(db.session, current_user, value)
    entry = decide(db.session, current_user, submission, body["state"], comment)
    return jsonify({"uuid": submission.uuid, "state": submission.state,
                    "state_label": review_states.label(submission.state), "comment": comment_json(entry)})


@bp.post("/submissions/<value>/count")
def submission_count(value):
    """The supervisor's choice: this submission counts for its household in the round ("phiếu này được tính")."""
    if not can(current_user, "submission.review"):
        raise Forbidden("Chỉ giám sát và quản trị được chọn phiếu được tính.")
    body = request.get_json(silent=True)
    comment = _comment_of(body if isinstance(body, dict) else {})
    submission = submission_in_scope(db.session, current_user, value)
    choose_counted(db.session, current_user, submission, comment)
    return jsonify(submission_json(submission))


def _item(row, last_comments: dict) -> dict:
    data = {"uuid": row.uuid, "household": row.household_code, "head_name": row.head_name,
            "village": row.village_name, "enumerator": row.enumerator_username, "state": row.state,
            "state_label": review_states.label(row.state), "is_current": bool(row.is_current),
            "version_number": row.version_number, "flags": list(row.flags or []),
            "submitted_at": iso(row.submitted_at)}
    if row.id in last_comments:
        data["last_comment"] = comment_json(last_comments[row.id])
    return data


@bp.get("/submissions")
def submission_list():
    """Paginated list; without ``state`` every sent state is listed (drafts never are). Enumerators see only
    their own submissions."""
    if not can(current_user, "submission.list"):
        raise Forbidden("Tài khoản này không xem được danh sách phiếu.")
    args = request.args.to_dict()
    args.setdefault("state", ALL_STATES)
    filters = parse_filters(db.session, current_user, args, default_round=False)  # QueueFilterError: 404
    page = queue_page(db.session, current_user, filters, *page_args(request.args, 50),
                      enumerator_self=not can(current_user, "submission.others"))
    comments = latest_comments(db.session, [row.id for row in page.rows])
    return jsonify({"items": [_item(row, comments) for row in page.rows], **page.to_meta()})
