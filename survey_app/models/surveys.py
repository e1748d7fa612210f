"""Questionnaire versions, survey rounds, submissions and their versions and comments.

A submission is identified by a client-generated UUID from the moment it is
created (web form or device), so every write can be repeated safely. Nothing a
device sends is thrown away: a second submission for a household that already
has one in the round is kept, not current, and flagged for the supervisor.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import review_states
from ..core.clock import utc_now
from ..core.denominators import DEFAULT_DENOMINATOR, DENOMINATOR_RULES
from ..core.formatting import MAX_PERCENT_DIGITS, PERCENT_METHODS, PercentRule
from .accounts import User
from .areas import Area
from .base import Base, JSONType
from .households import Household

SUBMISSION_STATES = review_states.STATES  # the one list of states, with the transition table
STATE_LABELS = {"not_started": "Chưa khảo sát", **review_states.STATE_LABELS}


class QuestionnaireVersion(Base):
    """An immutable questionnaire definition: (form_id, version) with the hash of its content."""

    __tablename__ = "questionnaire_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    # Both documents are large (tens of KB); deferred so that loading a round or a submission does not read them.
    # surveys.versions.get_definition caches the rebuilt Definition per process by (id, content_hash).
    definition: Mapped[Any] = mapped_column(JSONType, deferred=True)  # canonical data (definition_from_data)
    compiled: Mapped[Any] = mapped_column(JSONType, deferred=True)  # what the browser and the API receive
    source_name: Mapped[str] = mapped_column(String(300), default="")
    loaded_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (UniqueConstraint("form_id", "version", name="uq_questionnaire_version_form_version"),)

    @property
    def label(self) -> str:
        return f"{self.title} (phiên bản {self.version})"


round_area = Table(
    "round_area",
    Base.metadata,
    Column("round_id", ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", ForeignKey("area.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class SurveyRound(Base):
    """A survey round (đợt khảo sát): a questionnaire version, a period, the areas it covers."""

    __tablename__ = "survey_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    series: Mapped[str] = mapped_column(String(40), default="")  # rounds of one series compare year on year
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    count_only_approved: Mapped[bool] = mapped_column(Boolean, default=True)
    # How the round's reports print percentages (core.formatting.PercentRule): decimals, round or truncate.
    percent_digits: Mapped[int] = mapped_column(SmallInteger, default=1)
    percent_method: Mapped[str] = mapped_column(String(10), default="round")
    # Who is in the reports' denominator (core.denominators): the official list ("official") or the counted
    # households only ("surveyed").
    denominator: Mapped[str] = mapped_column(String(10), default=DEFAULT_DENOMINATOR)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    areas: Mapped[list[Area]] = relationship(secondary=round_area, order_by="Area.path")

    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        CheckConstraint(f"percent_digits BETWEEN 0 AND {MAX_PERCENT_DIGITS}", name="percent_digits_range"),
        CheckConstraint(f"percent_method IN ({', '.join(repr(m) for m in PERCENT_METHODS)})",
                        name="percent_method_known"),
        CheckConstraint(f"denominator IN ({', '.join(repr(r) for r in DENOMINATOR_RULES)})",
                        name="denominator_known"),
    )

    @property
    def percent_rule(self) -> PercentRule:
        return PercentRule(self.percent_digits, self.percent_method)

    @property
    def year(self) -> int:
        return self.period_end.year

    def covers(self, area: Area) -> bool:
        return any(area.path.startswith(a.path) for a in self.areas)


class Submission(Base):
    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="RESTRICT"))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    village_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))  # the household's village when received
    enumerator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    answers: Mapped[Any] = mapped_column(JSONType)
    answers_hash: Mapped[str] = mapped_column(String(64))
    # Hash of the answers without names and dates (review.flags.answer_fingerprint): finds identical answer sets
    # of one enumerator with one indexed lookup instead of rereading every submission.
    answers_fingerprint: Mapped[str | None] = mapped_column(String(64))
    version_number: Mapped[int] = mapped_column(default=1)
    flags: Mapped[Any] = mapped_column(JSONType, default=list)
    source: Mapped[str] = mapped_column(String(20), default="web")
    # The questionnaire section the enumerator was on when the page last saved (a draft reopens there).
    draft_section: Mapped[str | None] = mapped_column(String(64))
    # The income this submission adds to its commune's IncomeSummary (None: it adds nothing), so that a state or
    # answer change takes exactly that contribution back out.
    counted_income: Mapped[float | None] = mapped_column(Float)
    # Set when a supervisor chose this submission as the one that counts for its household (core/counting.py).
    chosen_at: Mapped[datetime | None]
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # Indexed: the device package's "what changed since the cursor" (sync/package.py) reads it.
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now, index=True)

    survey_round: Mapped[SurveyRound] = relationship()
    household: Mapped[Household] = relationship()
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()
    village: Mapped[Area] = relationship()
    enumerator: Mapped[User | None] = relationship(foreign_keys=[enumerator_id])
    chosen_by: Mapped[User | None] = relationship(foreign_keys=[chosen_by_id])
    versions: Mapped[list[SubmissionVersion]] = relationship(
        back_populates="submission", order_by="SubmissionVersion.number", cascade="all, delete-orphan")
    comments: Mapped[list[SubmissionComment]] = relationship(
        back_populates="submission", order_by="SubmissionComment.created_at")

    __table_args__ = (
        CheckConstraint("state IN ('draft', 'submitted', 'edited', 'has_issues', 'approved', 'rejected')",
                        name="state_known"),
        CheckConstraint("version_number >= 1", name="version_positive"),
        # At most one current submission per household and round.
        Index("uq_submission_current_per_round", "round_id", "household_id", unique=True,
              sqlite_where=text("is_current"), postgresql_where=text("is_current")),
        # At most one chosen submission per household and round.
        Index("uq_submission_chosen_per_round", "round_id", "household_id", unique=True,
              sqlite_where=text("chosen_at IS NOT NULL"), postgresql_where=text("chosen_at IS NOT NULL")),
        Index("ix_submission_round_state", "round_id", "state", "submitted_at"),
        Index("ix_submission_household", "household_id", "round_id"),
        Index("ix_submission_village", "village_id", "round_id"),
        Index("ix_submission_fingerprint", "round_id", "enumerator_id", "answers_fingerprint"),
    )

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)


class SubmissionVersion(Base):
    """Every saved content of a submission; old versions stay readable."""

    __tablename__ = "submission_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    number: Mapped[int]
    answers: Mapped[Any] = mapped_column(JSONType)
    answers_hash: Mapped[str] = mapped_column(String(64))
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    submission: Mapped[Submission] = relationship(back_populates="versions")
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("submission_id", "number", name="uq_submission_version_number"),)


class SubmissionComment(Base):
    """Append-only review comments, threaded on a submission."""

    __tablename__ = "submission_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    from_state: Mapped[str] = mapped_column(String(20), default="")
    to_state: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    submission: Mapped[Submission] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("body <> ''", name="body_not_empty"),)


class IncomeSummary(Base):
    """The incomes of a commune's sent submissions in a round, kept up to date on every save and decision.

    ``histogram`` maps a logarithmic bin (``submissions.stats.income_bin``) to how many submissions fall in it,
    so the income-outlier flag reads one row instead of every submission of the commune: the cost of a save does
    not grow with the commune. The median read from it is exact to within half a bin (about 1%).
    """

    __tablename__ = "income_summary"

    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    histogram: Mapped[Any] = mapped_column(JSONType, default=dict)

    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)
