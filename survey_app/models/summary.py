"""Per-village summaries the reports add up instead of reading every household (reports/summary.py keeps them).

`village_result_summary`: the current stored results of one round's ruleset in one village, for one ethnic group
and one submission state: how many, how many in the ruleset's population, and per mask bit how many are in the
outcome's population and how many met it (JSON lists indexed by bit, without trailing zeros). The state stays in
the key so the round's counting rule (approved only, or every sent state) is applied when the report reads it.

`village_list_summary`: the register of one village for one round: households per ethnic group and per official
status at the start and at the end of the round's period ('' when the register has none); the report classifies
each combination with the ruleset to get the official list.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType


class VillageResultSummary(Base):
    __tablename__ = "village_result_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_ruleset_id: Mapped[int] = mapped_column(ForeignKey("round_ruleset.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    ethnic_group_code: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    results: Mapped[int] = mapped_column(Integer)
    in_population: Mapped[int] = mapped_column(Integer)
    population: Mapped[Any] = mapped_column(JSONType)  # [households with bit i of population_mask, ...]
    met: Mapped[Any] = mapped_column(JSONType)  # [households with bit i of met_mask, ...]

    __table_args__ = (
        UniqueConstraint("round_ruleset_id", "village_id", "ethnic_group_code", "state",
                         name="uq_village_result_summary_key"),
        CheckConstraint("results > 0 AND in_population >= 0 AND in_population <= results",
                        name="counts_consistent"),
    )


class VillageListSummary(Base):
    __tablename__ = "village_list_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    ethnic_group_code: Mapped[str] = mapped_column(String(30))
    status_start: Mapped[str] = mapped_column(String(20))
    status_end: Mapped[str] = mapped_column(String(20))
    households: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("round_id", "village_id", "ethnic_group_code", "status_start", "status_end",
                         name="uq_village_list_summary_key"),
        CheckConstraint("households > 0", name="households_positive"),
    )
