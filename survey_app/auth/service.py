"""Account operations shared by the web pages, the CLI and the tests (no Flask)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.clock import utc_now
from ..errors import Invalid
from ..models import ROLES, ApiToken, Area, User, record

MIN_PASSWORD_LENGTH = 8
# werkzeug's default (scrypt). Tests lower the cost through this name, never production code.
HASH_METHOD = "scrypt"
TOKEN_PREFIX = "svt_"


class AccountError(Invalid):
    """A Vietnamese message for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def authenticate(session: Session, username: str, password: str, *, max_failures: int, lock_minutes: int,
                 now: datetime | None = None) -> tuple[User | None, str | None]:
    """Check a login. Returns (user, None) or (None, Vietnamese message).

    After `max_failures` wrong passwords in a row the account is locked for
    `lock_minutes`; during the lock even the right password is refused.
    """
    now = now or utc_now()
    generic = "Tên đăng nhập hoặc mật khẩu không đúng."
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        check_password_hash(hash_password("timing-equaliser"), password)
        return None, generic
    locked_until = user.locked_until
    if locked_until and locked_until > now:
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        return None, f"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Hãy thử lại sau {minutes} phút."
    if not user.active:
        return None, "Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên."
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            record(session, user=None, actor=user.username, action="user.locked", entity_type="user",
                   entity_id=user.id, summary=f"Khóa {lock_minutes} phút sau {max_failures} lần sai mật khẩu")
            return None, f"Nhập sai quá {max_failures} lần. Tài khoản tạm khóa {lock_minutes} phút."
        return None, generic
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user, None


def create_user(session: Session, *, username: str, password: str, role: str, area_codes: list[str],
                full_name: str = "", actor: User | None = None, actor_name: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 80 or not username.replace("_", "").replace(".", "").isalnum():
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm hoặc gạch dưới.")
    if role not in ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(ROLES)}.")
    check_password_strength(password)
    if session.scalar(select(User).where(User.username == username)):
        raise AccountError(f"Tên đăng nhập '{username}' đã tồn tại.")
    areas = resolve_areas(session, area_codes)
    user = User(username=username, full_name=full_name.strip(), role=role, password_hash=hash_password(password),
                areas=areas)
    session.add(user)
    session.flush()
    record(session, user=actor, actor=actor_name, action="user.create", entity_type="user", entity_id=user.id,
           summary=f"Tạo tài khoản {username}", after=user_snapshot(user))
    return user


def resolve_areas(session: Session, area_codes: list[str]) -> list[Area]:
    codes = [c.strip() for c in area_codes if c and c.strip()]
    if not codes:
        raise AccountError("Tài khoản phải có ít nhất một địa bàn.")
    areas = list(session.scalars(select(Area).where(Area.code.in_(codes))))
    missing = sorted(set(codes) - {a.code for a in areas})
    if missing:
        raise AccountError(f"Không có địa bàn mã: {', '.join(missing)}.")
    return areas


def user_snapshot(user: User) -> dict:
    return {"username": user.username, "full_name": user.full_name, "role": user.role, "active": user.active,
            "areas": sorted(a.code for a in user.areas)}


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    record(session, user=user, action="user.password", entity_type="user", entity_id=user.id,
           summary="Đổi mật khẩu")


def set_password(session: Session, user: User, new: str, actor: User | None) -> None:
    check_password_strength(new)
    user.password_hash = hash_password(new)
    user.failed_logins = 0
    user.locked_until = None
    record(session, user=actor, action="user.password_reset", entity_type="user", entity_id=user.id,
           summary=f"Đặt lại mật khẩu cho {user.username}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, label: str = "", actor_name: str | None = None) -> str:
    """Create a personal API token; returns the clear token (shown once), stores its hash."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10], label=label))
    record(session, user=None, actor=actor_name or user.username, action="token.create", entity_type="user",
           entity_id=user.id, summary=f"Cấp mã API cho {user.username}")
    return token


TOKEN_TOUCH_SECONDS = 60  # `last_used_at` is kept to the minute: reading with a token must not write every time


def token_for(session: Session, token: str) -> ApiToken | None:
    """The live token row (not revoked, active account) for a presented token, or None. Writes nothing."""
    # One query for the token, its account and the account's areas (a row per area; unique() folds them).
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                 ApiToken.revoked.is_(False))
                          .options(joinedload(ApiToken.user, innerjoin=True).joinedload(User.areas))
                          ).unique().scalar_one_or_none()
    if row is None or not row.user.active:
        return None
    return row


def token_needs_touch(row: ApiToken, now: datetime | None = None) -> bool:
    now = now or utc_now()
    last = row.last_used_at
    return last is None or (now - last).total_seconds() >= TOKEN_TOUCH_SECONDS


def touch_token(engine, token_id: int) -> None:
    """Note the token's use in a short transaction of its own (after the request's has ended), at most once a
    minute whatever the number of concurrent requests: the WHERE clause makes the other writers no-ops."""
    now = utc_now()
    cutoff = now - timedelta(seconds=TOKEN_TOUCH_SECONDS)
    with engine.begin() as conn:
        conn.execute(update(ApiToken).where(ApiToken.id == token_id,
                                            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < cutoff))
                     .values(last_used_at=now))
