"""Accounts, their areas and their API tokens."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utc_now
from .areas import Area
from .base import Base

ROLES = ("admin", "supervisor", "enumerator", "viewer")
TOKEN_KINDS = ("api", "device")
TOKEN_KIND_LABELS = {"api": "Mã API", "device": "Thiết bị"}
ROLE_LABELS = {
    "admin": "Quản trị (tỉnh)",
    "supervisor": "Giám sát",
    "enumerator": "Điều tra viên",
    "viewer": "Lãnh đạo (chỉ xem)",
}

user_area = Table(
    "user_area",
    Base.metadata,
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the session cookie's user id (`get_id`): raising it ends every session of the account.
    session_generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_login_at: Mapped[datetime | None]

    areas: Mapped[list[Area]] = relationship(secondary=user_area, order_by="Area.path")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(role) for role in ROLES)})", name="role_known"),
    )

    # Flask-Login protocol, written out so that this module does not import Flask.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def area_paths(self) -> list[str]:
        return [a.path for a in self.areas]

    def covers(self, area: Area | None) -> bool:
        """True when `area` lies in one of the user's subtrees."""
        return area is not None and any(area.path.startswith(p) for p in self.area_paths)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(Base):
    """A personal API token; only its SHA-256 is stored. ``kind`` "device": the credential a tablet registered
    for days offline (``POST /api/v1/device/register``), listed and revoked like the others."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(10), default="api", server_default="api")
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="tokens")

    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(kind) for kind in TOKEN_KINDS)})", name="kind_known"),
    )

    @property
    def kind_label(self) -> str:
        return TOKEN_KIND_LABELS.get(self.kind, self.kind)

    def is_live(self, now: datetime) -> bool:
        return not self.revoked and self.expires_at > now


class LoginThrottle(Base):
    """Login attempts counted per key (`account:<username>` or `address:<client address>`), known account or not:
    the counter is raised atomically before the password is checked, and blocks the key once it is over the
    allowance (see `auth.throttle`)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[datetime | None]
    last_at: Mapped[datetime]

    __table_args__ = (CheckConstraint("failures >= 0", name="failures_non_negative"),)
