"""The household register: households, the configurable ethnic-group list and the
official poverty status recognised by the commune for each year."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utc_now
from .areas import Area
from .base import Base

POVERTY_STATUSES = ("ngheo", "can_ngheo", "khong_ngheo")
POVERTY_STATUS_LABELS = {"ngheo": "Hộ nghèo", "can_ngheo": "Hộ cận nghèo", "khong_ngheo": "Không nghèo"}


class EthnicGroup(Base):
    """The configurable list of ethnic groups (dân tộc); `is_minority` feeds the campaign's denominator."""

    __tablename__ = "ethnic_group"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    is_minority: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class Household(Base):
    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    head_name: Mapped[str] = mapped_column(String(200))
    ethnic_group_code: Mapped[str] = mapped_column(ForeignKey("ethnic_group.code", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"), index=True)
    members: Mapped[int] = mapped_column(default=1)
    address: Mapped[str] = mapped_column(String(300), default="")
    # The UUID a device gave a household it created offline (sent with its first submission): the same UUID sent
    # again finds this household instead of creating another one. None for households of the register.
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Indexed: the device package's "what changed since the cursor" (sync/package.py) reads it.
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now, index=True)

    village: Mapped[Area] = relationship()
    ethnic_group: Mapped[EthnicGroup] = relationship()
    statuses: Mapped[list[HouseholdStatus]] = relationship(
        back_populates="household", order_by="HouseholdStatus.year", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("members >= 1 AND members <= 60", name="members_range"),
        CheckConstraint("code <> ''", name="code_not_empty"),
        CheckConstraint("head_name <> ''", name="head_name_not_empty"),
        Index("ix_household_head_name", "head_name"),
        # The official list of a report groups the register by village and ethnic group (reports/official_list.py):
        # read from this index alone, without the table.
        Index("ix_household_village_group", "village_id", "ethnic_group_code", "id"),
    )

    def status_for(self, year: int) -> str | None:
        for status in self.statuses:
            if status.year == year:
                return status.status
        return None

    def register_fields(self) -> dict:
        """The register's values a questionnaire may start from (``prefill:`` keys, core/questionnaire)."""
        return {"household.members": self.members, "household.ethnic_group": self.ethnic_group_code}

    def snapshot(self) -> dict:
        """The fields the audit log records before and after a change."""
        return {
            "code": self.code,
            "head_name": self.head_name,
            "ethnic_group": self.ethnic_group_code,
            "village": self.village.code if self.village else self.village_id,
            "members": self.members,
            "address": self.address,
            "statuses": {str(s.year): s.status for s in self.statuses},
        }


class HouseholdStatus(Base):
    """Official status for a year, as recognised by the commune's annual review."""

    __tablename__ = "household_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))

    household: Mapped[Household] = relationship(back_populates="statuses")

    __table_args__ = (
        UniqueConstraint("household_id", "year", name="uq_household_status_household_year"),
        Index("ix_household_status_covering", "household_id", "year", "status"),  # the official list's lookups
        CheckConstraint("status IN ('ngheo', 'can_ngheo', 'khong_ngheo')", name="status_known"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )
