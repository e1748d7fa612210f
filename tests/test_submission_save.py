"""The submission service called directly, as the enumerator's web pages call it: ownership, states per
household, web payloads, dates, and re-sends after a round has closed."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from survey_app.models import Submission
from survey_app.submissions import (
    SubmissionForbidden,
    SubmissionInvalid,
    SubmissionPayload,
    answers_hash,
    current_submission,
    household_states,
    save_submission,
)
from tests.support.surveys import complete_household_answers, make_round, new_uuid, store_campaign_form


@pytest.fixture
def survey_round(session, world):
    return make_round(session, store_campaign_form(session), code="RS2024", areas=("P",))


def payload(uuid=None, *, household="HV1-001", submit=False, answers=None, form_version=None, **extra):
    return SubmissionPayload(uuid=uuid or new_uuid(), household_code=household, round_code="RS2024",
                             form_version=form_version, answers=complete_household_answers() if answers is None
                             else answers, submit=submit, **extra)


def test_web_payload_without_form_version_uses_the_rounds_version(app, session, world, survey_round):
    outcome = save_submission(session, world.users["dieutra"], payload(), today="2024-06-01")
    assert outcome.created and not outcome.duplicate and outcome.errors == {}
    assert outcome.submission.source == "web" and outcome.submission.state == "draft"
    assert outcome.submission.answers_hash == answers_hash(outcome.submission.answers, False)
    assert answers_hash(outcome.submission.answers, True) != outcome.submission.answers_hash


def test_uuid_is_stored_in_canonical_form(app, session, world, survey_round):
    uuid = new_uuid()
    user = world.users["dieutra"]
    save_submission(session, user, payload(uuid.upper()), today="2024-06-01")
    again = save_submission(session, user, payload(uuid), today="2024-06-01")
    assert again.duplicate and again.submission.uuid == uuid


def test_today_drives_date_constraints(app, session, world, survey_round):
    with pytest.raises(SubmissionInvalid) as caught:
        save_submission(session, world.users["dieutra"], payload(), today="2024-05-01")  # surveyed 2024-05-10
    assert caught.value.status == 422
    assert caught.value.errors == {"ngay_khao_sat": "Ngày khảo sát không được sau ngày hôm nay"}


def test_interview_cannot_finish_before_it_started(app, session, world, survey_round):
    started = datetime(2024, 5, 10, 9, tzinfo=timezone.utc)
    with pytest.raises(SubmissionInvalid) as caught:
        save_submission(session, world.users["dieutra"],
                        payload(started_at=started, finished_at=started.replace(hour=8)), today="2024-06-01")
    assert list(caught.value.errors) == ["finished_at"]


def test_only_the_same_enumerator_or_a_supervisor_may_change_a_draft(app, session, world, factories, survey_round):
    other_enumerator = factories.user("dieutra2", "enumerator", "V1")
    uuid = new_uuid()
    save_submission(session, world.users["dieutra"], payload(uuid), today="2024-06-01")
    changed = payload(uuid, answers={**complete_household_answers(), "ghi_chu": "Người khác sửa"})
    with pytest.raises(SubmissionForbidden) as caught:
        save_submission(session, other_enumerator, changed, today="2024-06-01")
    assert caught.value.status == 403 and "điều tra viên khác" in caught.value.message
    outcome = save_submission(session, world.users["giamsat"], changed, today="2024-06-01")
    assert not outcome.created and outcome.submission.answers["ghi_chu"] == "Người khác sửa"
    assert outcome.submission.enumerator.username == "dieutra"


def test_a_resend_after_the_round_closed_is_still_recognised(app, session, world, survey_round):
    user = world.users["dieutra"]
    sent = payload(submit=True)
    save_submission(session, user, sent, today="2024-06-01")
    survey_round.is_open = False
    session.flush()
    assert save_submission(session, user, sent, today="2024-06-01").duplicate
    with pytest.raises(SubmissionForbidden):
        save_submission(session, user, payload(submit=True), today="2024-06-01")


def test_household_states_report_the_current_submission_per_household(app, session, world, survey_round):
    households = world.households
    supervisor = world.users["giamsat"]
    save_submission(session, supervisor, payload(household="HV1-001", submit=True), today="2024-06-01")
    save_submission(session, supervisor, payload(household="HV1-001"), today="2024-06-01")  # not current
    save_submission(session, supervisor, payload(household="HV1B-001"), today="2024-06-01")
    states = household_states(session, supervisor, survey_round, households.values())
    assert states == {households["in"].id: "submitted", households["in_b"].id: "draft"}  # HV2-001 is outside C1
    everything = household_states(session, world.users["admin"], survey_round, households.values())
    assert everything[households["out"].id] == "not_started"
    current = current_submission(session, survey_round, households["in"])
    assert current.state == "submitted"
    assert session.scalars(select(Submission.is_current).where(
        Submission.household_id == households["in"].id)).all().count(True) == 1
