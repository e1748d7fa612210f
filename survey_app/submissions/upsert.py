"""``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL: create a row unless it exists, without an
IntegrityError when two requests create it at once (the second waits for the first and does nothing)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model, values: Mapping, keys: Iterable[str]) -> None:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    session.execute(statement)
