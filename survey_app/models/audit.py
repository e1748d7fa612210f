"""The audit log: who did what to which record, when, with before/after.

Rows are added to the caller's session, so they commit or roll back together
with the change they describe.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, insert
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.clock import utc_now
from .accounts import User
from .base import Base, JSONType


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(80), default="")  # username, or "cli"/"system"
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[Any | None] = mapped_column(JSONType)
    after: Mapped[Any | None] = mapped_column(JSONType)

    user: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_entry_entity", "entity_type", "entity_id"),)


def record(
    session: Session,
    *,
    user: User | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    summary: str = "",
    before: Any = None,
    after: Any = None,
    actor: str | None = None,
) -> AuditEntry:
    """Add an audit row to `session` (committed with the change it describes)."""
    entry = AuditEntry(**_columns(user=user, action=action, entity_type=entity_type, entity_id=entity_id,
                                  summary=summary, before=before, after=after, actor=actor))
    session.add(entry)
    return entry


def record_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add several audit rows (dicts of the `record` arguments, ``user`` included) with one INSERT on the session's
    connection, in its transaction: no ORM objects, for hot paths where nothing reads the rows back."""
    if not rows:
        return
    now = utc_now()
    values = [{"at": now, **_columns(**row)} for row in rows]
    session.connection().execute(insert(AuditEntry.__table__), values)


def _columns(*, user: User | None, action: str, entity_type: str, entity_id: Any, summary: str = "",
             before: Any = None, after: Any = None, actor: str | None = None) -> dict[str, Any]:
    """An audit row's column values from `record`'s arguments: who (the user, or a named actor, or "system")."""
    return {"user_id": user.id if user is not None else None,
            "actor": actor or (user.username if user is not None else "system"),
            "action": action, "entity_type": entity_type, "entity_id": str(entity_id), "summary": summary,
            "before": before, "after": after}
