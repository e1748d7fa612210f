"""Review pages. Thin views: role check, area-limited lookup, call the review service, render. Refusals render
the page again with the Vietnamese message and their status (nothing is half-saved: >= 400 rolls back)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import area_clause, permission_required
from ..areas import area_label, area_labels
from ..core import review_states
from ..core.answer_paths import read_answer
from ..core.answers import diff_answers, layout, path_label, question_at
from ..errors import NotFound
from ..extensions import db
from ..inputs import client_int, safe_next
from ..models import Area
from ..pagination import MAX_PAGE
from ..results.store import stored_results
from ..submissions import (
    SubmissionError,
    add_comment,
    bulk_approve,
    bulk_preview,
    choose_counted,
    correct,
    decide,
    submission_in_scope,
    undo_bulk_approval,
)
from ..submissions.counting import competition
from ..submissions.flags import flag_label
from ..surveys.versions import get_definition
from . import undo
from .detail import (
    answers_day,
    comment_thread,
    previous_submission,
    previous_texts,
    returned_diff,
    version_by_number,
    versions_of,
)
from .queue import (
    FLAG_FILTERS,
    SORTS,
    STATE_FILTERS,
    enumerators_for,
    parse_filters,
    queue_page,
    rounds_for,
)

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates", static_folder="static")

PER_PAGE = 50


def _submission_or_404(uuid: str):
    try:
        return submission_in_scope(db.session, current_user, uuid)
    except SubmissionError:
        raise NotFound() from None  # the page's own 404 text, whatever the service said


@bp.app_template_filter("flag_label")
def _flag_label(code):
    return flag_label(code)


@bp.route("/")
@permission_required("submission.review")
def queue():
    filters = parse_filters(db.session, current_user, request.args)  # QueueFilterError: 404 with its message
    page_number = client_int(request.args, "page", 1, minimum=1, maximum=MAX_PAGE)
    page = queue_page(db.session, current_user, filters, page_number, PER_PAGE)
    areas = list(db.session.scalars(select(Area).where(area_clause(current_user, Area.path)).order_by(Area.path)))
    villages = {area.id: area for area in areas}  # the queue's villages are inside the reviewer's areas
    labels = area_labels(db.session, areas)
    village_labels = area_labels(db.session, {villages[row.village_id] for row in page.rows})
    return render_template(
        "review/queue.html", page=page, filters=filters, rounds=rounds_for(db.session, current_user), areas=areas,
        area_labels=labels, village_labels=village_labels,
        enumerators=enumerators_for(db.session, current_user), state_filters=STATE_FILTERS,
        flag_filters=FLAG_FILTERS, sorts=SORTS, awaiting=review_states.AWAITING_REVIEW,
        state_label=review_states.label, undo_batch=undo.pending())


@bp.post("/bulk-approve")
@permission_required("submission.review")
def bulk():
    """The confirmation step: what bulk approval would approve and skip; nothing changes until it is confirmed."""
    uuids = request.form.getlist("uuid")
    back = safe_next(request.form.get("next"), url_for(".queue"))
    if not uuids:
        flash("Chưa chọn phiếu nào để duyệt.", "warning")
        return redirect(back)
    preview = bulk_preview(db.session, current_user, uuids)
    return render_template("review/bulk_confirm.html", preview=preview, back=back,
                           undo_minutes=review_states.UNDO_MINUTES)


@bp.post("/bulk-approve/confirm")
@permission_required("submission.review")
def bulk_confirm():
    back = safe_next(request.form.get("next"), url_for(".queue"))
    outcome = bulk_approve(db.session, current_user, request.form.getlist("uuid"))
    if outcome.approved:
        flash(f"Đã duyệt {len(outcome.approved)} phiếu.", "success")
        undo.remember(outcome.approved)
    else:
        flash("Không có phiếu nào được duyệt.", "warning")
    for uuid, reason in outcome.skipped:
        flash(f"Bỏ qua phiếu {uuid[:8]}…: {reason}.", "warning")
    return redirect(back)


@bp.post("/bulk-approve/undo")
@permission_required("submission.review")
def bulk_undo():
    """ "Hoàn tác": the last bulk approval of this session, while its window lasts (the service checks again)."""
    back = safe_next(request.form.get("next"), url_for(".queue"))
    batch = undo.forget()
    if batch is None:
        flash(f"Không còn gì để hoàn tác (chỉ hoàn tác được trong {review_states.UNDO_MINUTES} phút sau khi "
              f"duyệt hàng loạt).", "warning")
        return redirect(back)
    outcome = undo_bulk_approval(db.session, current_user, batch)
    if outcome.approved:
        flash(f"Đã hoàn tác: {len(outcome.approved)} phiếu trở lại chờ duyệt.", "success")
    for uuid, reason in outcome.skipped:
        flash(f"Không hoàn tác phiếu {uuid[:8]}…: {reason}.", "warning")
    return redirect(back)


def _render_submission(submission, *, error: str | None = None, status: int = 200, form: dict | None = None):
    defn = get_definition(submission.questionnaire_version)
    household_submissions, competing = competition(db.session, submission)
    previous = previous_submission(db.session, submission)
    comments, versions = comment_thread(db.session, submission), versions_of(db.session, submission)
    page = render_template(
        "review/submission.html", submission=submission, sections=layout(defn, submission.answers or {},
                                                                          answers_day(submission)),
        previous=previous, previous_texts=previous_texts(previous), outcomes=stored_results(db.session, submission.id),
        comments=comments, versions=versions, returned=returned_diff(submission, versions, comments),
        targets=review_states.review_targets(submission.state), state_label=review_states.label,
        comment_required=review_states.comment_required, can_correct=submission.state in
        {state for state, event in review_states.SYSTEM_TRANSITIONS if event == "correct"},
        household_submissions=household_submissions, competing=competing, sent_states=review_states.SENT_STATES,
        village_label=area_label(db.session, submission.village), error=error, form=form or {})
    return page, status


@bp.route("/<uuid>")
@permission_required("submission.review")
def show(uuid):
    return _render_submission(_submission_or_404(uuid))


@bp.post("/<uuid>/decision")
@permission_required("submission.review")
def decision(uuid):
    submission = _submission_or_404(uuid)
    to_state, comment = request.form.get("state", ""), request.form.get("comment", "")
    try:
        decide(db.session, current_user, submission, to_state, comment)
    except SubmissionError as err:  # refused before anything changed
        return _render_submission(submission, error=err.message, status=err.status,
                                  form={"state": to_state, "comment": comment})
    flash(f"Phiếu hộ {submission.household.code}: {review_states.label(submission.state)}.", "success")
    return redirect(url_for(".show", uuid=submission.uuid))


@bp.post("/<uuid>/count")
@permission_required("submission.review")
def count(uuid):
    """ "Phiếu này được tính": the supervisor's choice among a household's competing submissions."""
    submission = _submission_or_404(uuid)
    try:
        choose_counted(db.session, current_user, submission, request.form.get("comment", ""))
    except SubmissionError as err:
        return _render_submission(submission, error=err.message, status=err.status)
    flash(f"Phiếu này là phiếu được tính của hộ {submission.household.code} trong đợt "
          f"{submission.survey_round.code}.", "success")
    return redirect(url_for(".show", uuid=submission.uuid) + "#phieu-cua-ho")


@bp.post("/<uuid>/comments")
@permission_required("submission.review")
def comment(uuid):
    submission = _submission_or_404(uuid)
    try:
        add_comment(db.session, current_user, submission, request.form.get("body", ""))
    except SubmissionError as err:
        return _render_submission(submission, error=err.message, status=err.status)
    flash("Đã thêm nhận xét.", "success")
    return redirect(url_for(".show", uuid=submission.uuid) + "#thao-luan")


@bp.route("/<uuid>/correct", methods=["GET", "POST"])
@permission_required("submission.review")
def correction(uuid):
    submission = _submission_or_404(uuid)
    defn = get_definition(submission.questionnaire_version)
    path = request.values.get("path", "")
    question = question_at(defn, path)
    if question is None:
        raise NotFound("Không có câu hỏi này trong phiếu.")
    error, errors, status = None, {}, 200
    value = read_answer(submission.answers or {}, path)
    reason = ""
    if request.method == "POST":
        raw = request.form.getlist("value") if question.type == "select_multiple" else request.form.get("value", "")
        reason = request.form.get("reason", "")
        try:
            done = correct(db.session, current_user, submission, path, raw, reason)
        except SubmissionError as err:
            error, errors, status = err.message, err.errors, err.status
            value = raw
        else:
            flash(f"Đã sửa “{done.label}”: {done.old} → {done.new} (phiên bản {done.version.number}).", "success")
            return redirect(url_for(".show", uuid=submission.uuid))
    choices = defn.choice_lists.get(question.list_name, ()) if question.list_name else ()
    return render_template("review/correct.html", submission=submission, question=question, path=path,
                           label=path_label(defn, path), value=value, choices=choices, reason=reason, error=error,
                           errors=errors), status


@bp.route("/<uuid>/versions/<int:number>")
@permission_required("submission.review")
def version(uuid, number):
    submission = _submission_or_404(uuid)
    found = version_by_number(db.session, submission, number)
    if found is None:
        raise NotFound("Phiếu không có phiên bản này.")
    defn = get_definition(submission.questionnaire_version)
    return render_template("review/version.html", submission=submission, version=found,
                           sections=layout(defn, found.answers or {}, answers_day(submission)),
                           versions=versions_of(db.session, submission))


@bp.route("/<uuid>/diff")
@permission_required("submission.review")
def diff(uuid):
    submission = _submission_or_404(uuid)
    versions = versions_of(db.session, submission)
    if not versions:
        raise NotFound("Phiếu chưa có phiên bản nào.")
    numbers = [v.number for v in versions]
    old_number = client_int(request.args, "from", 0) or (numbers[-2] if len(numbers) > 1 else numbers[0])
    new_number = client_int(request.args, "to", 0) or numbers[-1]
    by_number = {v.number: v for v in versions}
    if old_number not in by_number or new_number not in by_number:
        raise NotFound("Phiếu không có phiên bản này.")
    old, new = by_number[old_number], by_number[new_number]
    defn = get_definition(submission.questionnaire_version)
    changes = diff_answers(defn, old.answers or {}, new.answers or {})
    return render_template("review/diff.html", submission=submission, versions=versions, old=old, new=new,
                           changes=changes)
