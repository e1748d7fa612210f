"""Review comments are append-only: the ORM refuses to change or delete a SubmissionComment once written.

Registered with the models (``models/__init__.py`` imports this module), so every session has it. (The database itself still lets an operator's SQL through; the
application never offers an edit.)"""
from __future__ import annotations

from sqlalchemy import event

from .surveys import SubmissionComment


class CommentIsAppendOnly(RuntimeError):
    """Raised when code tries to update or delete a review comment."""


def _refuse_update(_mapper, _connection, target: SubmissionComment) -> None:
    raise CommentIsAppendOnly(f"Nhận xét #{target.id} đã lưu thì không sửa được (chỉ được viết thêm).")


def _refuse_delete(_mapper, _connection, target: SubmissionComment) -> None:
    raise CommentIsAppendOnly(f"Nhận xét #{target.id} đã lưu thì không xoá được (chỉ được viết thêm).")


if not event.contains(SubmissionComment, "before_update", _refuse_update):
    event.listen(SubmissionComment, "before_update", _refuse_update)
    event.listen(SubmissionComment, "before_delete", _refuse_delete)
