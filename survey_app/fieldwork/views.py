"""Fieldwork pages. Views are thin: check role and area, build the form, call the submission service, render."""
from __future__ import annotations

import uuid as uuid_module
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import household_in_scope_or_404, permission_required
from ..areas import area_labels
from ..core.answer_paths import answer_path
from ..core.answers import path_label, path_section
from ..core.clock import iso, utc_now, vietnam_today
from ..core.questionnaire import register_answers
from ..core.review_states import EDITABLE_STATES, STATES
from ..errors import NotFound
from ..extensions import db
from ..households.codes import next_household_code
from ..households.forms import village_choices
from ..households.service import HouseholdError, ethnic_groups, save_household, villages_in_scope
from ..models import POVERTY_STATUS_LABELS, STATE_LABELS, Household, SurveyRound
from ..pagination import page_args, paginate
from ..submissions import (
    SaveOutcome,
    SubmissionError,
    SubmissionPayload,
    current_submission,
    household_states,
    normalise_uuid,
    save_submission,
)
from ..surveys.rounds import rounds_open_to
from ..surveys.versions import get_definition
from ..web import reads_first
from .forms import NewHouseholdForm
from .listing import HouseholdRow, household_page, latest_comments, round_households, state_counts
from .questionnaire_form import answers_from_form, form_from_answers, form_from_post

bp = Blueprint("fieldwork", __name__, url_prefix="/fieldwork", template_folder="templates")
READ_ONLY_STATES = tuple(state for state in STATES if state not in EDITABLE_STATES)
# Names of the non-answer inputs of the questionnaire page; a "-" keeps them apart from question names.
UUID_FIELD = "submission-uuid"
STARTED_FIELD = "submission-started"
VERSION_FIELD = "submission-form-version"
ACTION_FIELD = "submission-action"
POSITION_FIELD = "submission-section"
HOUSEHOLDS_PER_PAGE = 20


def _open_round_or_404(code: str) -> SurveyRound:
    for survey_round in rounds_open_to(db.session, current_user):
        if survey_round.code == code:
            return survey_round
    raise NotFound()


@bp.route("/")
@permission_required("fieldwork.use")
def home():
    rounds = rounds_open_to(db.session, current_user)
    chosen = None
    if rounds:
        code = request.args.get("round", "")
        chosen = next((r for r in rounds if r.code == code), None) if code else rounds[0]
        if chosen is None:
            raise NotFound()
    rows, page, counts = [], None, {}
    text = request.args.get("q", "").strip()
    saved_code = request.args.get("at", "").strip()
    if chosen is not None:
        page_number, _ = page_args(request.args)
        listed = round_households(current_user, chosen, text)
        if saved_code and "page" not in request.args:  # back from the questionnaire: the page showing it
            page_number = household_page(db.session, listed, saved_code, HOUSEHOLDS_PER_PAGE)
        page = paginate(db.session, listed, page_number, HOUSEHOLDS_PER_PAGE)
        states = household_states(db.session, current_user, chosen, page.items)
        returned = [h.id for h in page.items if states.get(h.id) == "has_issues"]
        comments = latest_comments(db.session, chosen, returned)
        rows = [HouseholdRow(h, states.get(h.id, "not_started"), comments.get(h.id)) for h in page.items]
        counts = state_counts(db.session, current_user, chosen)
    labels = area_labels(db.session, {row.household.village for row in rows})
    return render_template("fieldwork/home.html", rounds=rounds, survey_round=chosen, rows=rows, page=page,
                           village_labels=labels,
                           counts=counts, text=text, state_labels=STATE_LABELS,
                           saved_uuid=normalise_uuid(request.args.get("saved")), saved_code=saved_code)


@bp.route("/<round_code>/<household_code>", methods=["GET", "POST"])
@reads_first
@permission_required("fieldwork.use")
def questionnaire(round_code, household_code):
    survey_round = _open_round_or_404(round_code)
    household = household_in_scope_or_404(household_code)
    if not survey_round.covers(household.village):
        raise NotFound()
    qv = survey_round.questionnaire_version
    defn = get_definition(qv)
    submission = current_submission(db.session, survey_round, household)
    state = submission.state if submission is not None else "not_started"
    errors: dict[str, str] = {}
    message, status = None, 200
    if request.method == "POST":
        form = form_from_post(defn, request.form)
        payload = _payload(form, household, survey_round, submission)
        submission_uuid, started, shown_answers = payload.uuid, request.form.get(STARTED_FIELD, ""), payload.answers
        try:
            outcome = save_submission(db.session, current_user, payload)
        except SubmissionError as err:  # the form again with the message, the answers kept
            errors, message, status = err.errors, err.message, err.status
        else:
            _flash_outcome(outcome, household, payload.submit)
            return redirect(url_for(".home", round=survey_round.code, saved=outcome.submission.uuid,
                                    at=household.code, _anchor=f"hh-{household.code}"))
    else:
        starting = register_answers(defn, household.register_fields()) if submission is None else None
        form = form_from_answers(defn, submission.answers if submission is not None else None, starting=starting)
        submission_uuid = submission.uuid if submission is not None else str(uuid_module.uuid4())
        started = iso(submission.started_at if submission is not None and submission.started_at else utc_now(),
                      timespec="seconds")
        shown_answers = submission.answers if submission is not None else starting
    comments = latest_comments(db.session, survey_round, [household.id]) if state == "has_issues" else {}
    sections = [section.name for section in defn.sections]
    error_sections = {path_section(defn, p) for p in errors}
    first_error_section = next((name for name in sections if name in error_sections), None)
    if request.method == "POST":
        position = _posted_position(sections)
    else:
        position = submission.draft_section if submission is not None and state == "draft" else None
    visited = _visited_sections(sections, state, position, request.form.get(ACTION_FIELD) == "submit")
    page = render_template(
        "fieldwork/questionnaire.html", defn=defn, compiled=qv.compiled, form=form, household=household,
        survey_round=survey_round, submission=submission, state=state, state_label=STATE_LABELS[state],
        read_only=state in READ_ONLY_STATES, comment=comments.get(household.id), errors=errors,
        error_labels={path: path_label(defn, path) for path in errors}, message=message,
        start_section=first_error_section or position or "", visited=visited, submitted_attempt=request.form.get(ACTION_FIELD) == "submit",
        answers=shown_answers or {}, submission_uuid=submission_uuid, started=started,
        today=vietnam_today().isoformat(),
        base_version=submission.answers_hash if submission is not None else "",
        fields={"uuid": UUID_FIELD, "started": STARTED_FIELD, "version": VERSION_FIELD, "action": ACTION_FIELD,
                "position": POSITION_FIELD})
    return page, status


def _posted_position(sections: list[str]) -> str | None:
    posted = request.form.get(POSITION_FIELD, "").strip()
    return posted if posted in sections else None


def _visited_sections(sections: list[str], state: str, position: str | None, submitted: bool) -> list[str]:
    """The sections the enumerator has already seen, whose missing answers the page marks red: all of them after
    a real submit or for a returned submission, else those up to where the draft stopped."""
    if submitted or state == "has_issues":
        return sections
    return sections[:sections.index(position) + 1] if position in sections else []


def _payload(form, household: Household, survey_round: SurveyRound, submission) -> SubmissionPayload:
    """What the page posted, for the submission service. The posted UUID is kept even when another submission
    became current meanwhile: the service stores it apart and flags it, nothing typed is lost."""
    posted_uuid = normalise_uuid(request.form.get(UUID_FIELD))
    submit = request.form.get(ACTION_FIELD) == "submit"
    return SubmissionPayload(
        uuid=posted_uuid or (submission.uuid if submission is not None else str(uuid_module.uuid4())),
        household_code=household.code, round_code=survey_round.code,
        form_version=request.form.get(VERSION_FIELD) or None, answers=answers_from_form(form),
        started_at=_parse_moment(request.form.get(STARTED_FIELD, "")), finished_at=utc_now() if submit else None,
        submit=submit, source="web", position=_posted_position([s.name for s in form.definition.sections]))


def _flash_outcome(outcome: SaveOutcome, household: Household, submit: bool) -> None:
    name = f"{household.code} — {household.head_name}"
    if outcome.duplicate:
        flash(f"Phiếu hộ {name} đã được lưu trước đó, không có thay đổi.", "success")
    elif outcome.submission.state == "edited":
        flash(f"Đã gửi lại phiếu đã sửa của hộ {name}.", "success")
    elif submit:
        flash(f"Đã gửi phiếu hộ {name}.", "success")
    else:
        flash(f"Đã lưu nháp phiếu hộ {name}.", "success")
    if not outcome.submission.is_current:
        flash(f"Hộ {household.code} đã có phiếu khác trong đợt này; phiếu của bạn được lưu riêng để giám sát "
              f"xem xét.", "warning")


def _parse_moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


@bp.route("/new-household", methods=["GET", "POST"])
@permission_required("fieldwork.use")
def new_household():
    survey_round = _open_round_or_404(request.args.get("round", ""))
    villages = [v for v in villages_in_scope(db.session, current_user) if survey_round.covers(v)]
    if not villages:
        raise NotFound()
    form = NewHouseholdForm()
    form.village.choices = village_choices(db.session, villages)
    form.ethnic_group.choices = [SelectChoice(g.code, g.name) for g in ethnic_groups(db.session)]
    suggestions = {v.code: next_household_code(db.session, v) for v in villages}
    if request.method == "GET":
        form.village.data = villages[0].code
    if len(villages) == 1:
        form.code.render_kw = {"placeholder": suggestions[villages[0].code]}
    if form.validate_on_submit():
        village = next((v for v in villages if v.code == form.village.data), None)
        if village is None:
            form.village.errors = ["Thôn/làng không thuộc đợt khảo sát hoặc nằm ngoài địa bàn của bạn."]
        else:
            code = (form.code.data or "").strip() or next_household_code(db.session, village, reserve=True)
            try:
                household = save_household(db.session, current_user, household=None, code=code,
                                           head_name=form.head_name.data, ethnic_group_code=form.ethnic_group.data,
                                           village=village, members=form.members.data)
            except HouseholdError as err:
                form.form_errors.append(str(err))
            else:
                flash(f"Đã thêm hộ {household.code} — {household.head_name}. Bắt đầu khảo sát hộ.", "success")
                return redirect(url_for(".questionnaire", round_code=survey_round.code, household_code=household.code))
    failed = request.method == "POST" and bool(form.errors or form.form_errors)
    return render_template("fieldwork/new_household.html", form=form, survey_round=survey_round,
                           villages=villages, suggestions=suggestions), 422 if failed else 200


@bp.context_processor
def _questionnaire_helpers():
    from .questionnaire_form import dom_id, question_path
    from .rendering import interpolate, shown_value

    return {"answer_path": answer_path, "question_path": question_path, "dom_id": dom_id, "interpolate": interpolate,
            "shown_value": shown_value, "poverty_labels": POVERTY_STATUS_LABELS}
