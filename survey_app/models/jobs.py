"""Background jobs (village booklets and other long printouts) run by the job queue's worker.

A row is the whole protocol between the web request that creates the job and the worker that runs it: the
worker moves `state` from queued to running to done (or failed), commits `done`/`total` as it goes and touches
`heartbeat_at`; the web pages only read it. A job whose worker died is recognised by its silent heartbeat (see
survey_app/jobs/service.py), retried a few times (`attempts`), then shown as failed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utc_now
from .accounts import User
from .areas import Area
from .base import Base, JSONType

JOB_STATES = ("queued", "running", "done", "failed")
JOB_STATE_LABELS = {"queued": "Đang chờ", "running": "Đang thực hiện", "done": "Hoàn thành", "failed": "Lỗi"}


class Job(Base):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "village_booklet" (survey_app/jobs/kinds.py)
    title: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="RESTRICT"))  # who may see it
    params: Mapped[Any] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")  # Vietnamese, shown to the user (failures)
    output_path: Mapped[str] = mapped_column(String(500), default="")
    output_name: Mapped[str] = mapped_column(String(200), default="")  # download file name
    worker_pid: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)  # runs after a crashed worker (jobs/service.recover_stale)
    worker_host: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
    area: Mapped[Area] = relationship()

    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state_known"),
        CheckConstraint("done >= 0 AND total >= 0", name="progress_non_negative"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index("ix_job_state", "state", "created_at"),
    )

    @property
    def state_label(self) -> str:
        return JOB_STATE_LABELS.get(self.state, self.state)

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return 0 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")
