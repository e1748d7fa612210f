"""Per-village summaries the reports add up instead of reading every household (reports/summary.py keeps them).

`village_result_summary`, in long format so that a report is one `SUM ... GROUP BY` in the database: the current
stored results of one round's ruleset in one village, for one ethnic group, one submission state and one outcome
bit of the masks: how many households are in the outcome's population (`population_mask` has the bit) and how many
met it (`met_mask` has it). The row of bit -1 (`RULESET_POPULATION`) counts the households in the ruleset's own
population (`in_population`; its `met` is 0). Only rows with a household are kept. The state stays in the key so
the round's counting rule (approved only, or every sent state) and the surveyed households are read from it.

`village_list_summary`: the register of one village for one round: households per ethnic group and per official
status at the start and at the end of the round's period ('' when the register has none); the report classifies
each combination with the ruleset to get the official list.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

RULESET_POPULATION = -1  # the outcome_bit of the row counting the ruleset's own population


class VillageResultSummary(Base):
    __tablename__ = "village_result_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_ruleset_id: Mapped[int] = mapped_column(ForeignKey("round_ruleset.id", ondelete="CASCADE"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    ethnic_group_code: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    outcome_bit: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    met: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("round_ruleset_id", "village_id", "ethnic_group_code", "state", "outcome_bit",
                         name="uq_village_result_summary_key"),
        CheckConstraint("outcome_bit >= -1", name="outcome_bit_valid"),
        CheckConstraint("population >= 0 AND met >= 0 AND population + met > 0", name="counts_positive"),
        CheckConstraint("outcome_bit >= 0 OR met = 0", name="ruleset_row_has_no_met"),
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
