"""POST /api/v1/submissions (idempotent by uuid) and GET /api/v1/submissions/<uuid>.

Thin views: parse the JSON, call the submission service; its refusals (``SubmissionError``) reach the one error
handler (``survey_app.problems``). The transaction boundary commits a response < 400 and rolls back anything else.
The offline outbox posts here too (docs/offline.md): a ``new_household`` is created with its submission and its
assigned code is in the answer; a ``base_version`` that is no longer the server's is a 409.
"""
from flask import current_app, jsonify, request
from flask_login import current_user

from ..access import permission_required
from ..errors import NotFound
from ..extensions import db
from ..inputs import limit_body
from ..submissions import payload_from_json, save_submission, submission_by_uuid, submission_json
from ..web import reads_first
from .views import bp

# A submission with every repeat filled is tens of KB. Up to this size a too-long answer is refused by name
# (422, tests/test_security_answers.py); above it the whole body is a 413 naming the limit. Config may lower it.
MAX_SUBMISSION_BYTES = 16 * 1024 * 1024


@bp.post("/submissions")
@reads_first  # the save service checks "submission.edit" (403 with its message)
def submission_save():
    limit_body(request, current_app.config.get("MAX_SUBMISSION_BYTES", MAX_SUBMISSION_BYTES), "Phiếu gửi lên")
    payload = payload_from_json(request.get_json(silent=True), source="api")
    outcome = save_submission(db.session, current_user, payload)
    body = {**submission_json(outcome.submission), "duplicate": outcome.duplicate}
    if payload.new_household is not None:
        body["new_household"] = {"client_uuid": payload.new_household.client_uuid,
                                 "code": outcome.submission.household.code, "created": outcome.household_created}
    return jsonify(body), 200 if outcome.duplicate else 201


@bp.get("/submissions/<value>")
@permission_required("submission.view")
def submission_show(value):
    submission = submission_by_uuid(db.session, current_user, value)
    if submission is None:
        raise NotFound("Không tìm thấy phiếu (hoặc phiếu nằm ngoài địa bàn của bạn).")
    return jsonify(submission_json(submission))
