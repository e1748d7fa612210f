"""A small paginator over SQLAlchemy selects (count + one page)."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .inputs import client_int

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    def to_meta(self) -> dict:
        return {"page": self.number, "per_page": self.per_page, "total": self.total, "pages": self.pages}


def paginate(session: Session, stmt, page: int, per_page: int, scalars: bool = True) -> Page:
    page = max(1, page)
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars()) if scalars else list(result)
    return Page(items=items, number=page, per_page=per_page, total=total or 0)


def page_args(args, default_per_page: int = 50) -> tuple[int, int]:
    """`page` and `per_page` from the query string; a value that is not a whole number in range is a 400
    naming it (`inputs.client_int`)."""
    return client_int(args, "page", 1, minimum=1, maximum=MAX_PAGE), client_int(args, "per_page", default_per_page,
                                                                                minimum=1, maximum=MAX_PER_PAGE)
