"""Admin pages: manage accounts, read the audit log."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import String, and_, cast, or_, select

from ..access import area_clause, permission_required
from ..auth import service as accounts
from ..auth.throttle import blocked_usernames
from ..core.clock import utc_now
from ..errors import NotFound
from ..extensions import db
from ..models import ROLE_LABELS, Area, AuditEntry, Household, OutcomeTarget, Submission, User
from ..models.accounts import user_area
from ..pagination import page_args, paginate
from .forms import UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _manageable(user: User) -> bool:
    """An admin manages accounts whose areas all lie inside the admin's own areas."""
    return all(current_user.covers(a) for a in user.areas)


@bp.route("/users")
@permission_required("account.manage")
def users():
    all_users = db.session.scalars(select(User).order_by(User.role, User.username))
    visible = [u for u in all_users if _manageable(u)]
    blocked = blocked_usernames(db.session, [u.username for u in visible], utc_now())
    return render_template("admin/users.html", users=visible, roles=ROLE_LABELS, blocked=blocked)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("account.manage")
def user_new():
    form = UserForm()
    if form.validate_on_submit():
        codes = [c.strip() for c in form.areas.data.split(",")]
        try:
            if not form.password.data:
                raise accounts.AccountError("Mật khẩu: bắt buộc khi tạo tài khoản.")
            areas = accounts.resolve_areas(db.session, codes)
            if not all(current_user.covers(a) for a in areas):
                raise accounts.AccountError("Địa bàn: chỉ được giao địa bàn nằm trong địa bàn của bạn.")
            user = accounts.create_user(db.session, username=form.username.data, password=form.password.data,
                                        role=form.role.data, area_codes=codes, full_name=form.full_name.data or "",
                                        actor=current_user)
            user.active = form.active.data
        except accounts.AccountError as err:
            form.form_errors.append(str(err))
        else:
            flash(f"Đã tạo tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("account.manage")
def user_edit(user_id):
    user = db.session.get(User, user_id)
    if user is None or not _manageable(user):
        raise NotFound()
    form = UserForm(obj=user)
    if request.method == "GET" or "areas" not in request.form:  # the field's text, never the model's list
        form.areas.data = ", ".join(a.code for a in user.areas)
    if form.validate_on_submit():
        before = accounts.user_snapshot(user)
        try:
            if form.username.data.strip() != user.username:
                raise accounts.AccountError("Tên đăng nhập: không đổi được sau khi tạo.")
            areas = accounts.resolve_areas(db.session, form.areas.data.split(","))
            if not all(current_user.covers(a) for a in areas):
                raise accounts.AccountError("Địa bàn: chỉ được giao địa bàn nằm trong địa bàn của bạn.")
            if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
                raise accounts.AccountError("Không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")
            user.full_name = (form.full_name.data or "").strip()
            user.role = form.role.data
            user.areas = areas
            if user.active and not form.active.data:
                accounts.deactivate(db.session, user, current_user)
            user.active = form.active.data
            if form.password.data:
                accounts.set_password(db.session, user, form.password.data, current_user)
        except accounts.AccountError as err:
            form.form_errors.append(str(err))
        else:
            from ..models import record

            record(db.session, user=current_user, action="user.update", entity_type="user", entity_id=user.id,
                   summary=f"Sửa tài khoản {user.username}", before=before, after=accounts.user_snapshot(user))
            flash("Đã lưu tài khoản.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/user_form.html", form=form, user=user), status


def audit_scope(user: User):
    """The audit entries an admin may read: all of them for an admin of a whole tree (a province); for an admin
    of part of it, the entries about its households, their submissions, its accounts and its areas' targets, and
    the entries written by accounts of its areas. Entries carry no area of their own, so an entry about something
    else (a round, a questionnaire, the system) written by an account outside the area stays hidden."""
    if any(area.parent_id is None for area in user.areas):
        return None
    in_area = area_clause(user, Area.path)
    households = select(Household.code).join(Area, Area.id == Household.village_id).where(in_area)
    submissions = (select(Submission.uuid).join(Household, Household.id == Submission.household_id)
                   .join(Area, Area.id == Household.village_id).where(in_area))
    accounts = select(user_area.c.user_id).join(Area, Area.id == user_area.c.area_id).where(in_area)
    targets = select(cast(OutcomeTarget.id, String)).join(Area, Area.id == OutcomeTarget.area_id).where(in_area)
    return or_(AuditEntry.user_id.in_(accounts),
               and_(AuditEntry.entity_type == "household", AuditEntry.entity_id.in_(households)),
               and_(AuditEntry.entity_type == "submission", AuditEntry.entity_id.in_(submissions)),
               and_(AuditEntry.entity_type == "user", AuditEntry.entity_id.in_(
                   select(cast(user_area.c.user_id, String)).join(Area, Area.id == user_area.c.area_id).where(in_area))),
               and_(AuditEntry.entity_type == "outcome_target", AuditEntry.entity_id.in_(targets)))


@bp.route("/audit")
@permission_required("audit.view")
def audit():
    args = request.args
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    scope = audit_scope(current_user)
    if scope is not None:
        stmt = stmt.where(scope)
    if args.get("actor"):
        stmt = stmt.where(AuditEntry.actor == args["actor"].strip())
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action.startswith(args["action"].strip(), autoescape=True))
    if args.get("entity_type"):
        stmt = stmt.where(AuditEntry.entity_type == args["entity_type"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEntry.entity_id == args["entity_id"].strip())
    for name, op in (("from", "ge"), ("to", "lt")):
        value = args.get(name)
        if value:
            try:
                day = datetime.fromisoformat(value).date()
                moment = datetime.combine(day + (timedelta(days=1) if op == "lt" else timedelta()), time(),
                                          timezone.utc)
            except (ValueError, OverflowError):
                flash(f"Ngày '{value[:20]}' không hợp lệ (dạng YYYY-MM-DD).", "warning")
                continue
            stmt = stmt.where(AuditEntry.at >= moment if op == "ge" else AuditEntry.at < moment)
    page = paginate(db.session, stmt, *page_args(args))
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    return render_template("admin/audit.html", page=page, actions=list(actions))
