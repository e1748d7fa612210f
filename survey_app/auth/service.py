"""Account operations shared by the web pages, the CLI and the tests (no Flask)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.clock import utc_now
from ..errors import Conflict, Invalid
from ..models import ROLES, ApiToken, Area, User, record
from . import throttle
from .throttle import Policy

MIN_PASSWORD_LENGTH = 10
# Refused whatever their length: the first passwords an attacker tries (lower-cased before comparing).
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "0123456789", "11111111", "00000000", "88888888", "66666666",
    "password", "password1", "password123", "matkhau", "matkhau1", "matkhau12", "matkhau@123", "123456a@",
    "qwertyuiop", "qwerty123", "abc123456", "abcd1234", "admin123", "admin12345", "administrator", "iloveyou",
    "12345678910", "1234512345", "1qaz2wsx3edc", "anhyeuem", "anhyeuem123", "vietnam123", "khaosat123",
})
# werkzeug's default (scrypt). Tests lower the cost through this name, never production code.
HASH_METHOD = "scrypt"
TOKEN_PREFIX = "svt_"
LOGIN_REFUSED = ("Tên đăng nhập hoặc mật khẩu không đúng, hoặc đăng nhập tạm bị chặn vì sai nhiều lần. "
                 "Hãy kiểm tra lại hoặc thử lại sau ít phút.")


class AccountError(Invalid):
    """A Vietnamese message for the user."""


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of the current method to check a password against when there is no account: an unknown username
    costs the same time as a wrong password."""
    if HASH_METHOD not in _dummy_hashes:
        _dummy_hashes[HASH_METHOD] = hash_password(secrets.token_urlsafe(16))
    return _dummy_hashes[HASH_METHOD]


def check_password_strength(password: str, username: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    lowered = password.lower()
    if username and username.strip().lower() in lowered:
        raise AccountError("Mật khẩu không được chứa tên đăng nhập.")
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise AccountError("Mật khẩu quá dễ đoán (quá phổ biến hoặc lặp ký tự). Hãy chọn mật khẩu khác.")


def authenticate(session: Session, username: str, password: str, *, address: str | None, policy: Policy,
                 now: datetime | None = None) -> tuple[User | None, str | None]:
    """Check a login. Returns (user, None) or (None, Vietnamese message).

    The attempt is counted against the account and the client address first (`throttle`); a blocked key
    refuses without checking the password. Unknown, blocked and wrong-password logins get the same message, and a
    deactivated account is named only to someone who gave its right password.
    """
    now = now or utc_now()
    username = username.strip()
    keys = {"account": throttle.account_key(username), "address": throttle.address_key(address)}
    attempts = {kind: throttle.count_attempt(session, key, now) for kind, key in keys.items()}
    user = None
    if not any(blocked for _, blocked in attempts.values()):
        user = session.scalar(select(User).where(User.username == username))
        right = check_password_hash(user.password_hash if user else _dummy_hash(), password)
        if right and user is not None:
            if not user.active:
                return None, "Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên."
            throttle.forget(session, keys["account"])
            throttle.uncount(session, keys["address"])
            user.last_login_at = now
            return user, None
    # A wrong password, or a blocked key: the keys not yet blocked that reached their allowance block now.
    _note_failure(session, user, keys, attempts, policy, now)
    return None, LOGIN_REFUSED


def _note_failure(session: Session, user: User | None, keys: dict, attempts: dict, policy: Policy,
                  now: datetime) -> None:
    allowances = {"account": policy.account_allowance, "address": policy.address_allowance}
    for kind, key in keys.items():
        failures, blocked = attempts[kind]
        delay = None if blocked else policy.block_for(failures, allowances[kind])
        if delay is None:
            continue
        throttle.block(session, key, now + delay)
        if kind == "account" and user is not None:
            record(session, user=None, actor=user.username, action="user.throttled", entity_type="user",
                   entity_id=user.id, summary=f"Chặn đăng nhập {int(delay.total_seconds())} giây sau "
                                              f"{failures} lần sai mật khẩu")


def create_user(session: Session, *, username: str, password: str, role: str, area_codes: list[str],
                full_name: str = "", actor: User | None = None, actor_name: str | None = None) -> User:
    username = username.strip()
    if not username or len(username) > 80 or not username.replace("_", "").replace(".", "").isalnum():
        raise AccountError("Tên đăng nhập chỉ gồm chữ, số, dấu chấm hoặc gạch dưới.")
    if role not in ROLES:
        raise AccountError(f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(ROLES)}.")
    check_password_strength(password, username)
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


def end_sessions(session: Session, user: User) -> int:
    """End every session of the account (its cookies carry the old generation) and revoke its API tokens;
    returns the number of tokens revoked."""
    user.session_generation += 1
    return session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                           .values(revoked=True)).rowcount


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """The caller logs the current session in again (`login_user`): the others end here."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Mật khẩu hiện tại không đúng.")
    check_password_strength(new, user.username)
    user.password_hash = hash_password(new)
    revoked = end_sessions(session, user)
    record(session, user=user, action="user.password", entity_type="user", entity_id=user.id,
           summary=f"Đổi mật khẩu; kết thúc các phiên khác, thu hồi {revoked} mã API")


def set_password(session: Session, user: User, new: str, actor: User | None) -> None:
    check_password_strength(new, user.username)
    user.password_hash = hash_password(new)
    throttle.forget(session, throttle.account_key(user.username))
    revoked = end_sessions(session, user)
    record(session, user=actor, action="user.password_reset", entity_type="user", entity_id=user.id,
           summary=f"Đặt lại mật khẩu cho {user.username}; kết thúc các phiên, thu hồi {revoked} mã API")


def deactivate(session: Session, user: User, actor: User | None) -> None:
    user.active = False
    revoked = end_sessions(session, user)
    record(session, user=actor, action="user.deactivate", entity_type="user", entity_id=user.id,
           summary=f"Vô hiệu hóa {user.username}; kết thúc các phiên, thu hồi {revoked} mã API")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


DEFAULT_TOKEN_DAYS = 90
DEVICE_TOKEN_DAYS = 180  # a tablet may stay offline for weeks; the account page revokes it at any time


def issue_token(session: Session, user: User, label: str = "", actor_name: str | None = None,
                days: int = DEFAULT_TOKEN_DAYS) -> str:
    """Create a personal API token valid `days` days; returns the clear token (shown once), stores its hash."""
    return _new_token(session, user, label, actor_name, days, "api")[0]


def issue_device_token(session: Session, user: User, label: str) -> tuple[str, ApiToken]:
    """The credential of one device (kind "device", ``DEVICE_TOKEN_DAYS``): the clear token and its row."""
    return _new_token(session, user, label, None, DEVICE_TOKEN_DAYS, "device")


def _new_token(session: Session, user: User, label: str, actor_name: str | None, days: int,
               kind: str) -> tuple[str, ApiToken]:
    if not 1 <= days <= 3650:
        raise AccountError("Thời hạn mã API: từ 1 đến 3650 ngày.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = utc_now() + timedelta(days=days)
    row = ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10], label=label, kind=kind,
                   expires_at=expires)
    session.add(row)
    what = "mã thiết bị" if kind == "device" else "mã API"
    record(session, user=None, actor=actor_name or user.username, action="token.create", entity_type="user",
           entity_id=user.id, summary=f"Cấp {what} cho {user.username} ({label or 'không nhãn'}), hạn {days} ngày")
    session.flush()
    return token, row


def revoke_token(session: Session, token: ApiToken, actor_name: str) -> None:
    if token.revoked:
        raise Conflict(f"Mã API {token.prefix}… đã bị thu hồi trước đó.")
    token.revoked = True
    record(session, user=None, actor=actor_name, action="token.revoke", entity_type="user",
           entity_id=token.user_id, summary=f"Thu hồi mã API {token.prefix}… ({token.label or 'không nhãn'})")


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


TOKEN_TOUCH_SECONDS = 60  # `last_used_at` is kept to the minute: reading with a token must not write every time


def token_for(session: Session, token: str) -> ApiToken | None:
    """The live token row (not revoked, not expired, active account) for a presented token, or None. Writes
    nothing."""
    # One query for the token, its account and the account's areas (a row per area; unique() folds them).
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                 ApiToken.revoked.is_(False), ApiToken.expires_at > utc_now())
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
