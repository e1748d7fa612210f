"""Household register pages. Views are thin: load, check access, validate, call service, redirect."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..access import area_clause, area_in_scope_or_404, household_in_scope_or_404, permission_required
from ..areas import area_labels
from ..core.clock import vietnam_today
from ..extensions import db
from ..inputs import YEARS, client_int, safe_next
from ..models import POVERTY_STATUS_LABELS, Area, Household, HouseholdStatus
from ..pagination import page_args, paginate
from . import importing, service
from .forms import HouseholdForm, ImportForm, village_choices
from .queries import household_query

bp = Blueprint("households", __name__, url_prefix="/households", template_folder="templates")


@bp.route("/")
@permission_required("household.view")
def index():
    args = request.args
    year = client_int(args, "year", None, *YEARS) or _latest_status_year()
    area = area_in_scope_or_404(args["area"]) if args.get("area") else None
    stmt = household_query(current_user, area=area, ethnic_group=args.get("ethnic_group", ""),
                           status=args.get("status", ""), year=year, text=args.get("q", ""))
    page = paginate(db.session, stmt, *page_args(args))
    scope_areas = list(db.session.scalars(select(Area).where(area_clause(current_user, Area.path))
                                          .where(Area.depth <= _filter_depth_limit()).order_by(Area.path)))
    labels = area_labels(db.session, [*scope_areas, *(h.village for h in page.items)])
    return render_template("households/list.html", page=page, year=year, areas=scope_areas, labels=labels,
                           groups=service.ethnic_groups(db.session), statuses=POVERTY_STATUS_LABELS)


def _latest_status_year() -> int:
    """The most recent year with recognised statuses (the year the list is most useful for)."""
    from sqlalchemy import func

    return db.session.scalar(select(func.max(HouseholdStatus.year))) or vietnam_today().year


def _filter_depth_limit() -> int:
    """Offer the user's own areas and two levels below (a province admin gets districts and communes)."""
    return min((a.depth for a in current_user.areas), default=0) + 2


@bp.route("/<code>")
@permission_required("household.view")
def show(code):
    from .outcomes import household_outcomes

    household = household_in_scope_or_404(code)
    return render_template("households/show.html", household=household, statuses=POVERTY_STATUS_LABELS,
                           rounds=household_outcomes(db.session, household))


def _prepare_form(form: HouseholdForm) -> None:
    form.ethnic_group.choices = [SelectChoice(g.code, g.name) for g in service.ethnic_groups(db.session)]
    form.village.choices = village_choices(db.session, service.villages_in_scope(db.session, current_user))


def _save(form: HouseholdForm, household: Household | None):
    village = db.session.scalar(select(Area).where(Area.code == form.village.data))
    statuses = {}
    if form.status_year.data:
        statuses[form.status_year.data] = form.status.data or ""
    try:
        return service.save_household(
            db.session, current_user, household=household, code=form.code.data, head_name=form.head_name.data,
            ethnic_group_code=form.ethnic_group.data, village=village, members=form.members.data,
            address=form.address.data or "", statuses=statuses)
    except service.HouseholdError as err:
        form.form_errors.append(str(err))
        return None


@bp.route("/new", methods=["GET", "POST"])
@permission_required("household.edit")
def create():
    form = HouseholdForm()
    _prepare_form(form)
    if request.method == "GET":
        form.status_year.data = vietnam_today().year
        if request.args.get("village"):
            form.village.data = request.args["village"]
    if form.validate_on_submit():
        household = _save(form, None)
        if household is not None:
            flash(f"Đã thêm hộ {household.code} — {household.head_name}.", "success")
            return redirect(safe_next(request.args.get("next"), url_for("households.show", code=household.code)))
    return render_template("households/form.html", form=form, household=None), 422 if form.errors or form.form_errors else 200


@bp.route("/<code>/edit", methods=["GET", "POST"])
@permission_required("household.edit")
def edit(code):
    household = household_in_scope_or_404(code)
    form = HouseholdForm(obj=household)
    _prepare_form(form)
    if request.method == "GET":
        form.ethnic_group.data = household.ethnic_group_code
        form.village.data = household.village.code
        form.status_year.data = vietnam_today().year
        form.status.data = household.status_for(vietnam_today().year) or ""
    if form.validate_on_submit():
        saved = _save(form, household)
        if saved is not None:
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("households.show", code=saved.code))
    return render_template("households/form.html", form=form, household=household), 422 if form.errors or form.form_errors else 200


@bp.route("/import", methods=["GET", "POST"])
@permission_required("household.import")
def import_file():
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = importing.import_households(db.session, current_user, upload.filename, upload.read())
        except importing.ImportFailed as failure:
            errors = failure.lines
        else:
            flash(f"Đã nhập {result.created} hộ mới và cập nhật {result.updated} hộ.", "success")
            return redirect(url_for("households.index"))
    status = 422 if errors or form.errors else 200
    return render_template("households/import.html", form=form, errors=errors), status
