"""Login throttling per account and per client address, with exponential delay (no Flask).

Each attempt first raises the counters of its two keys in one atomic statement (INSERT … ON CONFLICT DO UPDATE
… RETURNING, on SQLite and PostgreSQL): parallel attempts each get their own number, and the row stays locked
until the request commits, so no more than the allowance is ever checked. Past the allowance a key is blocked
for `delay · 2^(n - allowance)` seconds, at most `cap`; an attempt on a blocked key is refused without counting
and without checking the password. Unknown usernames are counted exactly like known ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import LoginThrottle

FORGET_AFTER = timedelta(hours=24)  # a counter without an attempt for this long starts again


@dataclass(frozen=True)
class Policy:
    account_allowance: int = 5
    address_allowance: int = 20
    delay_seconds: int = 30
    cap_minutes: int = 15

    def block_for(self, failures: int, allowance: int) -> timedelta | None:
        if failures < allowance:
            return None
        seconds = self.delay_seconds * 2 ** min(failures - allowance, 20)
        return timedelta(seconds=min(seconds, self.cap_minutes * 60))


def account_key(username: str) -> str:
    return f"account:{username.strip().lower()}"


def address_key(address: str | None) -> str:
    return f"address:{address or 'unknown'}"


def count_attempt(session: Session, key: str, now: datetime) -> tuple[int, bool]:
    """Raise the key's counter (unless it is blocked) and return (attempt number, blocked)."""
    table = LoginThrottle.__table__
    dialect = session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    blocked = table.c.blocked_until.is_not(None) & (table.c.blocked_until > now)
    stmt = insert(table).values(key=key, failures=1, blocked_until=None, last_at=now)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.key], set_={
        "failures": case((blocked, table.c.failures), (table.c.last_at < now - FORGET_AFTER, 1),
                         else_=table.c.failures + 1),
        "blocked_until": case((blocked, table.c.blocked_until), else_=None),
        "last_at": now,
    }).returning(table.c.failures, table.c.blocked_until)
    failures, blocked_until = session.execute(stmt).one()
    return failures, blocked_until is not None


def block(session: Session, key: str, until: datetime) -> None:
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key).values(blocked_until=until))


def forget(session: Session, key: str) -> bool:
    """Clear a key (a successful login of the account, `flask users unlock`, a password reset)."""
    return session.execute(delete(LoginThrottle).where(LoginThrottle.key == key)).rowcount > 0


def uncount(session: Session, key: str) -> None:
    """Give back the attempt a successful login used (an address's counter is never cleared by a success: an
    attacker's own account must not reset it)."""
    session.execute(update(LoginThrottle).where(LoginThrottle.key == key, LoginThrottle.failures > 0)
                    .values(failures=LoginThrottle.failures - 1))


def blocked_usernames(session: Session, usernames: list[str], now: datetime) -> set[str]:
    keys = {account_key(name): name for name in usernames}
    rows = session.scalars(select(LoginThrottle.key).where(LoginThrottle.key.in_(keys),
                                                           LoginThrottle.blocked_until > now))
    return {keys[key] for key in rows}
