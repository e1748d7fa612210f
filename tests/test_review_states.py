"""The transition table (pure): every legal and illegal review transition, comment rules, system events."""
import pytest

from survey_app.core import review_states as rs
from survey_app.core.review_states import TransitionRefused, check_review, check_system
from survey_app.models import STATE_LABELS, SUBMISSION_STATES

LEGAL = {
    ("submitted", "has_issues"), ("submitted", "approved"), ("submitted", "rejected"),
    ("edited", "has_issues"), ("edited", "approved"), ("edited", "rejected"),
    ("has_issues", "rejected"),
    ("approved", "has_issues"), ("approved", "rejected"),
    ("rejected", "has_issues"), ("rejected", "approved"),
}


def test_states_agree_with_the_model():
    assert set(rs.STATES) == set(SUBMISSION_STATES)
    for state in rs.STATES:
        assert rs.label(state) == STATE_LABELS[state]


@pytest.mark.parametrize("from_state,to_state", rs.all_pairs())
def test_every_pair_is_legal_or_refused_with_a_vietnamese_message(from_state, to_state):
    if (from_state, to_state) in LEGAL:
        done = check_review(from_state, to_state, "Ghi chú của giám sát")
        assert (done.from_state, done.to_state, done.comment) == (from_state, to_state, "Ghi chú của giám sát")
        return
    with pytest.raises(TransitionRefused) as refused:
        check_review(from_state, to_state, "Ghi chú của giám sát")
    assert refused.value.reason == "illegal"
    message = refused.value.message
    assert any(ch in message for ch in "ăâđêôơưàáảãạ"), message


@pytest.mark.parametrize("state", rs.STATES)
def test_same_state_is_refused(state):
    with pytest.raises(TransitionRefused, match="đã ở trạng thái|hệ thống|Không có trạng thái duyệt"):
        check_review(state, state, "x")


def test_reviewer_cannot_set_system_states_and_unknown_states():
    with pytest.raises(TransitionRefused, match="do hệ thống đặt"):
        check_review("approved", "submitted", "x")
    with pytest.raises(TransitionRefused, match="Không có trạng thái duyệt “ok”"):
        check_review("submitted", "ok", "x")
    with pytest.raises(TransitionRefused, match="không xác định"):
        check_review("lost", "approved", "x")


def test_draft_and_returned_refusals_say_why():
    with pytest.raises(TransitionRefused, match="bản nháp"):
        check_review("draft", "approved")
    with pytest.raises(TransitionRefused, match="trả lại cho điều tra viên sửa"):
        check_review("has_issues", "approved")


@pytest.mark.parametrize("from_state,to_state", sorted(LEGAL))
def test_comment_rules(from_state, to_state):
    needs = to_state in ("has_issues", "rejected") or from_state in ("approved", "rejected")
    assert rs.comment_required(from_state, to_state) == needs
    if needs:
        with pytest.raises(TransitionRefused) as refused:
            check_review(from_state, to_state, "   ")
        assert refused.value.reason == "comment"
    else:
        assert check_review(from_state, to_state, "  ").comment == ""


def test_return_without_comment_message():
    with pytest.raises(TransitionRefused, match="Trả lại phiếu phải kèm nhận xét"):
        check_review("submitted", "has_issues", "")


def test_overlong_comment_is_refused():
    with pytest.raises(TransitionRefused, match="dài quá"):
        check_review("submitted", "approved", "a" * (rs.MAX_COMMENT_LENGTH + 1))


@pytest.mark.parametrize("from_state", rs.STATES)
@pytest.mark.parametrize("event", ["submit", "resubmit", "correct"])
def test_system_events(from_state, event):
    expected = {("draft", "submit"): "submitted", ("has_issues", "resubmit"): "edited",
                ("submitted", "correct"): "edited", ("edited", "correct"): "edited",
                ("approved", "correct"): "edited"}.get((from_state, event))
    if expected:
        assert check_system(from_state, event) == expected
    else:
        with pytest.raises(TransitionRefused):
            check_system(from_state, event)


def test_review_targets_match_the_legal_set():
    for state in rs.STATES:
        assert {(state, t) for t in rs.review_targets(state)} == {p for p in LEGAL if p[0] == state}


def test_state_groups_follow_the_transitions():
    """The groups other modules import (editable, sent, counted) are consistent with the transition table."""
    for group in (rs.SENT_STATES, rs.EDITABLE_STATES, rs.COUNTED_ALL_SUBMITTED, rs.COUNTED_APPROVED_ONLY):
        assert set(group) <= set(rs.STATES)
    # The enumerator edits exactly the states from which sending (submit / resubmit) is a system event.
    assert set(rs.EDITABLE_STATES) == {state for state, event in rs.SYSTEM_TRANSITIONS if event != "correct"}
    # Reports count sent submissions that are not back with the enumerator; approved ones under either setting.
    assert set(rs.COUNTED_ALL_SUBMITTED) == set(rs.SENT_STATES) - {"has_issues"}
    assert set(rs.COUNTED_APPROVED_ONLY) <= set(rs.COUNTED_ALL_SUBMITTED)
