"""The review states of a submission and the ONE table of legal transitions (after ODK Central's review states).

Set by the system: ``submitted`` (a submission arrived) and ``edited`` (a new version arrived: the enumerator's
corrected resubmission, or a supervisor's correction of a typo). Set by a reviewer: ``has_issues`` (returned to
the enumerator, a comment is required), ``approved`` and ``rejected`` (e.g. a duplicate household; a comment is
required too, the enumerator and later readers must know why).

A reviewer may also revisit a decision (approved or rejected back to returned, or the other decision); such a
change always needs a comment, so the thread says why the decision changed. A submission that is back with the
enumerator (``has_issues``) can only be rejected until it comes back edited: approving it would race the
enumerator's edit.

Plain Python: every refusal is a ``TransitionRefused`` with a Vietnamese message for the user.
"""
from __future__ import annotations

from dataclasses import dataclass

STATE_LABELS = {
    "draft": "Bản nháp",
    "submitted": "Đã gửi",
    "edited": "Đã sửa, gửi lại",
    "has_issues": "Bị trả lại",
    "approved": "Đã duyệt",
    "rejected": "Bị loại",
}
STATES = tuple(STATE_LABELS)
SYSTEM_STATES = ("submitted", "edited")
REVIEW_STATES = ("has_issues", "approved", "rejected")
AWAITING_REVIEW = ("submitted", "edited")
# Sent and not rejected: these compete to be the household's counted submission (core/counting.py) and make
# up the peers of the quality flags.
SENT_STATES = ("submitted", "edited", "has_issues", "approved")
# Still with the enumerator: a save may change these; every other state is read-only for the enumerator.
EDITABLE_STATES = ("draft", "has_issues")
# What a report counts: a round's setting chooses approved submissions only, or every sent one still standing
# (not returned, not rejected).
COUNTED_APPROVED_ONLY = ("approved",)
COUNTED_ALL_SUBMITTED = ("submitted", "edited", "approved")

# System events: (from_state, event) -> to_state.
SYSTEM_TRANSITIONS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",          # the enumerator sends the submission
    ("has_issues", "resubmit"): "edited",      # the enumerator sends it back corrected
    ("submitted", "correct"): "edited",        # a supervisor corrects a typo (new version)
    ("edited", "correct"): "edited",
    ("approved", "correct"): "edited",         # the approval no longer covers the new content
}
SYSTEM_EVENT_LABELS = {"submit": "gửi phiếu", "resubmit": "gửi lại phiếu đã sửa", "correct": "sửa lỗi nhập liệu"}

# Reviewer decisions: from_state -> the states a reviewer may set from it.
REVIEW_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": (),
    "submitted": ("has_issues", "approved", "rejected"),
    "edited": ("has_issues", "approved", "rejected"),
    "has_issues": ("rejected",),
    "approved": ("has_issues", "rejected"),
    "rejected": ("has_issues", "approved"),
}
COMMENT_REQUIRED_TO = ("has_issues", "rejected")

# Undoing a bulk approval ("Hoàn tác"): the approval is taken back and the submission returns to the state it
# had before, which is one of the states awaiting review. Only an approval can be undone; the service checks
# who approved, when, and that no later decision came.
UNDO_TRANSITIONS: dict[str, tuple[str, ...]] = {"approved": AWAITING_REVIEW}
UNDO_MINUTES = 10
DECIDED = ("approved", "rejected")

MAX_COMMENT_LENGTH = 4000


class TransitionRefused(ValueError):
    """An illegal transition; ``message`` is Vietnamese and says why and what is possible instead. ``reason`` is
    "illegal" (the state does not allow it) or "comment" (allowed, but a comment is missing or too long)."""

    def __init__(self, message: str, reason: str = "illegal"):
        self.message = message
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class Transition:
    from_state: str
    to_state: str
    comment: str

    @property
    def summary(self) -> str:
        return f"{label(self.from_state)} → {label(self.to_state)}"


def label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def _quoted(states) -> str:
    return ", ".join(f"“{label(s)}”" for s in states)


def review_targets(from_state: str) -> tuple[str, ...]:
    """The states a reviewer may choose for a submission in ``from_state`` (in a fixed order)."""
    return REVIEW_TRANSITIONS.get(from_state, ())


def comment_required(from_state: str, to_state: str) -> bool:
    return to_state in COMMENT_REQUIRED_TO or from_state in DECIDED


def check_review(from_state: str, to_state: str, comment: str | None = "") -> Transition:
    """Validate a reviewer's decision; returns the Transition (comment stripped) or raises TransitionRefused."""
    comment = (comment or "").strip()
    if from_state not in STATE_LABELS:
        raise TransitionRefused(f"Phiếu đang ở trạng thái không xác định “{from_state}”.")
    if to_state in SYSTEM_STATES:
        raise TransitionRefused(f"Trạng thái “{label(to_state)}” do hệ thống đặt khi phiếu đến; người duyệt chỉ chọn "
                                f"{_quoted(REVIEW_STATES)}.")
    if to_state not in REVIEW_STATES:
        raise TransitionRefused(f"Không có trạng thái duyệt “{to_state}”; chỉ chọn được {_quoted(REVIEW_STATES)}.")
    if to_state == from_state:
        raise TransitionRefused(f"Phiếu đã ở trạng thái “{label(to_state)}”.")
    allowed = review_targets(from_state)
    if to_state not in allowed:
        if from_state == "draft":
            raise TransitionRefused("Phiếu còn là bản nháp, điều tra viên chưa gửi; chưa duyệt được.")
        if from_state == "has_issues":
            raise TransitionRefused(f"Phiếu đang được trả lại cho điều tra viên sửa; chỉ có thể "
                                    f"{_quoted(allowed)} cho đến khi điều tra viên gửi lại.")
        raise TransitionRefused(f"Không thể chuyển phiếu từ “{label(from_state)}” sang “{label(to_state)}”; "
                                f"chỉ chuyển được sang {_quoted(allowed)}.")
    if comment_required(from_state, to_state) and not comment:
        if to_state == "has_issues":
            raise TransitionRefused("Trả lại phiếu phải kèm nhận xét, để điều tra viên biết cần sửa gì.", "comment")
        if to_state == "rejected":
            raise TransitionRefused("Loại phiếu phải ghi lý do.", "comment")
        raise TransitionRefused(f"Thay đổi quyết định “{label(from_state)}” phải ghi lý do.", "comment")
    if len(comment) > MAX_COMMENT_LENGTH:
        raise TransitionRefused(f"Nhận xét dài quá {MAX_COMMENT_LENGTH} ký tự.", "comment")
    return Transition(from_state, to_state, comment)


def check_undo(from_state: str, to_state: str) -> Transition:
    """Validate the undo of an approval back to ``to_state`` (the state before it); raises TransitionRefused."""
    if to_state not in UNDO_TRANSITIONS.get(from_state, ()):
        raise TransitionRefused(f"Không hoàn tác được: phiếu đang ở trạng thái “{label(from_state)}”, chỉ hoàn tác "
                                f"được phiếu vừa duyệt hàng loạt và vẫn ở trạng thái “{label('approved')}”.")
    return Transition(from_state, to_state, "")


def check_system(from_state: str, event: str) -> str:
    """The state after a system event (``submit``, ``resubmit``, ``correct``); raises TransitionRefused."""
    to_state = SYSTEM_TRANSITIONS.get((from_state, event))
    if to_state is not None:
        return to_state
    what = SYSTEM_EVENT_LABELS.get(event, event)
    if event == "correct" and from_state == "has_issues":
        raise TransitionRefused("Phiếu đang được trả lại cho điều tra viên sửa; giám sát không sửa trực tiếp được "
                                "cho đến khi điều tra viên gửi lại.")
    if event == "correct" and from_state == "rejected":
        raise TransitionRefused("Phiếu đã bị loại, không sửa được. Muốn sửa, hãy trả lại hoặc duyệt lại phiếu trước.")
    if event == "correct" and from_state == "draft":
        raise TransitionRefused("Phiếu còn là bản nháp, điều tra viên chưa gửi; giám sát chưa sửa được.")
    raise TransitionRefused(f"Không thể {what} khi phiếu đang ở trạng thái “{label(from_state)}”.")


def all_pairs() -> list[tuple[str, str]]:
    """Every (from, to) pair of distinct known states, for exhaustive tests and documentation."""
    return [(a, b) for a in STATES for b in STATES if a != b]
