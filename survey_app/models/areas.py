"""The area tree: any number of levels, stored with a materialised path.

`path` is the chain of ids from the root, e.g. `/1/4/27/`. A subtree is
`path LIKE '/1/4/%'`, one indexed range scan; moving a node rewrites the
paths of its subtree in one UPDATE, and everything that references areas by id
(households, submissions, history) moves with it.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Area(Base):
    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(40))  # "tỉnh", "huyện", "xã", "thôn"...
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    path: Mapped[str] = mapped_column(String(400))
    depth: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Area | None] = relationship(remote_side="Area.id", back_populates="children")
    children: Mapped[list[Area]] = relationship(back_populates="parent", order_by="Area.name")

    __table_args__ = (
        Index("ix_area_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),  # LIKE prefix scans
        CheckConstraint("depth >= 0", name="depth_non_negative"),
        CheckConstraint("code <> ''", name="code_not_empty"),
    )

    def contains(self, other: Area) -> bool:
        return other.path.startswith(self.path)

    @property
    def display_name(self) -> str:
        return f"{self.level} {self.name}" if self.level and not self.name.lower().startswith(self.level.lower()) else self.name

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"
