"""Review API: POST /api/v1/submissions/<uuid>/review and GET /api/v1/submissions (the queue as JSON).

Same service, same rules and area limits as the review pages. Statuses: 403 role, 404 outside the area or
unknown, 409 illegal transition, 422 bad body or missing comment.
"""
from flask import jsonify, request
from flask_login import current_user

from ..core import review_states
from ..extensions import db
from ..models import SubmissionComment
from ..review.queue import ALL_STATES, QueueFilterError, parse_filters, queue_page
from ..submissions import (
    REVIEW_ROLES,
    SubmissionError,
    choose_counted,
    decide,
    latest_comments,
    submission_in_scope,
    submission_json,
)
from . import bp

LIST_ROLES = ("admin", "supervisor", "enumerator")


def _error(message: str, status: int, errors: dict | None = None):
    return jsonify({"error": message, "errors": errors or {}, "status": status}), status


def _iso(moment):
    if moment is None:
        return None
    return moment.isoformat() if moment.tzinfo else moment.isoformat() + "+00:00"


def _comment_json(comment: SubmissionComment) -> dict:
    return {"body": comment.body, "author": comment.author.username if comment.author else None,
            "from_state": comment.from_state or None, "to_state": comment.to_state or None,
            "created_at": _iso(comment.created_at)}


@bp.post("/submissions/<value>/review")
def submission_review(value):
    if current_user.role not in REVIEW_ROLES:
        return _error("Chỉ giám sát và quản trị được duyệt phiếu.", 403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("state"), str):
        return _error('Thân yêu cầu phải là JSON {"state": "...", "comment": "..."}.', 422,
                      {"state": f"Một trong: {', '.join(review_states.REVIEW_STATES)}"})
    comment = body.get("comment") or ""
    if not isinstance(comment, str):
        return _error("Nhận xét (comment) phải là chuỗi.", 422, {"comment": "Phải là chuỗi"})
    try:
        submission = submission_in_scope(db.session, current_user, value)
        entry = decide(db.session, current_user, submission, body["state"], comment)
    except SubmissionError as err:
        return _error(err.message, err.status, err.errors)
    return jsonify({"uuid": submission.uuid, "state": submission.state,
                    "state_label": review_states.label(submission.state), "comment": _comment_json(entry)})


@bp.post("/submissions/<value>/count")
def submission_count(value):
    """The supervisor's choice: this submission counts for its household in the round ("phiếu này được tính")."""
    if current_user.role not in REVIEW_ROLES:
        return _error("Chỉ giám sát và quản trị được chọn phiếu được tính.", 403)
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    comment = body.get("comment") or ""
    if not isinstance(comment, str):
        return _error("Nhận xét (comment) phải là chuỗi.", 422, {"comment": "Phải là chuỗi"})
    try:
        submission = submission_in_scope(db.session, current_user, value)
        choose_counted(db.session, current_user, submission, comment)
    except SubmissionError as err:
        return _error(err.message, err.status, err.errors)
    return jsonify(submission_json(submission))


def _item(row, last_comments: dict) -> dict:
    data = {"uuid": row.uuid, "household": row.household_code, "head_name": row.head_name,
            "village": row.village_name, "enumerator": row.enumerator_username, "state": row.state,
            "state_label": review_states.label(row.state), "is_current": bool(row.is_current),
            "version_number": row.version_number, "flags": list(row.flags or []),
            "submitted_at": _iso(row.submitted_at)}
    if row.id in last_comments:
        data["last_comment"] = _comment_json(last_comments[row.id])
    return data


@bp.get("/submissions")
def submission_list():
    """Paginated list; without ``state`` every sent state is listed (drafts never are). Enumerators see only
    their own submissions."""
    if current_user.role not in LIST_ROLES:
        return _error("Tài khoản này không xem được danh sách phiếu.", 403)
    args = request.args.to_dict()
    args.setdefault("state", ALL_STATES)
    try:
        filters = parse_filters(db.session, current_user, args, default_round=False)
    except QueueFilterError as err:
        return _error(str(err), 404)
    page = queue_page(db.session, current_user, filters, request.args.get("page", 1, type=int) or 1,
                      request.args.get("per_page", 50, type=int) or 50,
                      enumerator_self=current_user.role == "enumerator")
    comments = latest_comments(db.session, [row.id for row in page.rows])
    return jsonify({"items": [_item(row, comments) for row in page.rows], **page.to_meta()})
