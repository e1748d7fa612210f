"""Stored scoring: ruleset versions, the rulesets given to a round, one scored result per submission, and the
targets the reports compare against.

Reports never evaluate rules: they aggregate `household_result`, whose bit masks say for each outcome of the
ruleset version (bit i = outcome i, in the ruleset's order) whether the household is in that outcome's population
and whether it met it. The full per-criterion result is kept in compact JSON for explanations.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utc_now
from .areas import Area
from .base import Base, JSONType
from .surveys import SurveyRound

TARGET_OPERATORS = (">=", ">", "<=", "<")
TARGET_OPERATOR_LABELS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


class RulesetVersion(Base):
    """An immutable ruleset definition: (ruleset_id, version) with the hash of its canonical content."""

    __tablename__ = "ruleset_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    questionnaire: Mapped[str] = mapped_column(String(80))  # the form_id it reads
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[Any] = mapped_column(JSONType, deferred=True)  # Ruleset.to_data(), reloadable with ruleset_from_data
    source_name: Mapped[str] = mapped_column(String(300), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("ruleset_id", "version", name="uq_ruleset_version_ruleset_version"),)

    @property
    def label(self) -> str:
        return f"{self.title} (phiên bản {self.version})"

    @property
    def outcome_ids(self) -> list[str]:
        """Outcome ids in bit order (the masks of `household_result`)."""
        return [outcome["id"] for outcome in self.definition["outcomes"]]


class RoundRuleset(Base):
    """A ruleset given to a round. A round may have several (the campaign's outcomes and the national poverty
    standard); the one with the lowest `position` is what the round's reports show first."""

    __tablename__ = "round_ruleset"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    ruleset_id: Mapped[str] = mapped_column(String(80))
    ruleset_version_id: Mapped[int] = mapped_column(ForeignKey("ruleset_version.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(default=0)
    assigned_at: Mapped[datetime] = mapped_column(default=utc_now)

    survey_round: Mapped[SurveyRound] = relationship()
    ruleset_version: Mapped[RulesetVersion] = relationship()

    __table_args__ = (UniqueConstraint("round_id", "ruleset_id", name="uq_round_ruleset_round_ruleset"),)


class HouseholdResult(Base):
    """The score of one (non-draft) submission by one of its round's rulesets.

    `state` and `is_current` are copies of the submission's, kept in sync by `store_score`/`sync_states`, so the
    counting rule (see survey_app/results/store.py) is a filter on this table alone.
    """

    __tablename__ = "household_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_ruleset_id: Mapped[int] = mapped_column(ForeignKey("round_ruleset.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))
    ethnic_group_code: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(20))
    is_current: Mapped[bool] = mapped_column(Boolean)
    in_population: Mapped[bool | None] = mapped_column(Boolean)  # None: could not tell (answers missing)
    population_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    met_mask: Mapped[int] = mapped_column(BigInteger, default=0)
    ruleset_version_id: Mapped[int] = mapped_column(ForeignKey("ruleset_version.id", ondelete="RESTRICT"))
    result: Mapped[Any] = mapped_column(JSONType)  # compact; survey_app.results.codec rebuilds a ScoreResult
    scored_at: Mapped[datetime] = mapped_column(default=utc_now)

    ruleset_version: Mapped[RulesetVersion] = relationship()
    village: Mapped[Area] = relationship()

    __table_args__ = (
        UniqueConstraint("submission_id", "round_ruleset_id", name="uq_household_result_submission_ruleset"),
        # Covers the rollup: one range of (round_ruleset_id), grouped by village, read from the index alone.
        Index("ix_household_result_rollup", "round_ruleset_id", "village_id", "state", "is_current",
              "in_population", "population_mask", "met_mask", "ethnic_group_code"),
        Index("ix_household_result_round", "round_id", "household_id"),
    )


class OutcomeTarget(Base):
    """A target for one outcome of a round: `percent` of the outcome's population, compared with `operator`.

    `area_id` NULL is the round's default; an area's target applies to its whole subtree, and the nearest
    ancestor's target wins (Kon Plông's 2025 targets override the province's)."""

    __tablename__ = "outcome_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    outcome_id: Mapped[str] = mapped_column(String(80))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    operator: Mapped[str] = mapped_column(String(2))
    percent: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    area: Mapped[Area | None] = relationship()

    __table_args__ = (
        CheckConstraint("operator IN ('>=', '>', '<=', '<')", name="operator_known"),
        CheckConstraint("percent >= 0 AND percent <= 100", name="percent_range"),
        Index("uq_outcome_target_default", "round_id", "outcome_id", unique=True,
              sqlite_where=text("area_id IS NULL"), postgresql_where=text("area_id IS NULL")),
        Index("uq_outcome_target_area", "round_id", "outcome_id", "area_id", unique=True,
              sqlite_where=text("area_id IS NOT NULL"), postgresql_where=text("area_id IS NOT NULL")),
    )

    @property
    def operator_label(self) -> str:
        return TARGET_OPERATOR_LABELS.get(self.operator, self.operator)
