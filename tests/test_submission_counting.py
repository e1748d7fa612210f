"""Which submission counts for a household in a round (core/counting.py, submissions/counting.py): a later sent
one replaces a lost draft or a rejected one; two sent ones compete until a supervisor chooses; the household
never drops out of the rollup or the household export, and counts there exactly once with the chosen answers."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from survey_app.auth.service import issue_token
from survey_app.core.counting import Candidate, decide_current
from survey_app.models import AuditEntry, HouseholdResult, IncomeSummary, Submission, User
from survey_app.results.store import store_score
from survey_app.submissions import (
    SubmissionConflict,
    SubmissionPayload,
    choose_counted,
    correct,
    decide,
    save_submission,
)
from tests.conftest import csrf_token, login
from tests.support.printing import campaign_round
from tests.support.surveys import complete_household_answers, new_uuid, not_informed_answers

T0 = datetime(2024, 5, 10, 8, tzinfo=timezone.utc)


# -- the rule ------------------------------------------------------------------------------------------------------

def test_a_sent_submission_beats_drafts_and_rejected_ones():
    assert decide_current([Candidate(1, "draft", updated_at=T0), Candidate(2, "submitted", T0)]).current == 2
    assert decide_current([Candidate(1, "rejected", T0), Candidate(2, "submitted", T0)]).current == 2
    assert decide_current([Candidate(1, "rejected", T0), Candidate(2, "draft", updated_at=T0)]).current == 2
    assert decide_current([Candidate(1, "rejected", updated_at=T0),
                           Candidate(2, "rejected", updated_at=T0 + timedelta(1))]).current == 2
    assert decide_current([]).current is None


def test_two_sent_ones_compete_until_a_choice():
    first, second = Candidate(1, "submitted", T0), Candidate(2, "submitted", T0 + timedelta(hours=1))
    decision = decide_current([first, second])
    assert decision.current == 1 and decision.competing == {1, 2}  # the earliest counts meanwhile
    approved = Candidate(2, "approved", T0 + timedelta(hours=1))
    assert decide_current([first, approved]).current == 2
    chosen = Candidate(2, "submitted", T0 + timedelta(hours=1), chosen=True)
    assert decide_current([first, chosen]) == decide_current([chosen, first])
    assert decide_current([first, chosen]).current == 2 and not decide_current([first, chosen]).competing
    # A returned submission still competes: it is sent, not rejected.
    assert decide_current([Candidate(1, "has_issues", T0), second]).competing == {1, 2}


# -- in the database, through the lifecycle ----------------------------------------------------------------------

@pytest.fixture
def campaign(world, session, factories):
    """A campaign round and one poor household of V1; plain values only (test-client requests end the thread's
    session, so tests reload what they check)."""
    survey_round = campaign_round(session)
    household = factories.household(world.areas["V1"], code="HV1-900", statuses={2023: "ngheo"})
    session.commit()
    return survey_round.code, household.code, household.id


def _user(session, world, name) -> User:
    return session.scalar(select(User).where(User.username == name))


def _send(session, user, campaign, *, informed: bool, submit: bool = True) -> str:
    round_code, household_code, _ = campaign
    answers = complete_household_answers() if informed else not_informed_answers()
    outcome = save_submission(session, user, SubmissionPayload(
        uuid=new_uuid(), household_code=household_code, round_code=round_code, form_version=None, answers=answers,
        submit=submit), today="2024-06-01")
    session.commit()
    return outcome.submission.uuid


def _get(session, uuid: str) -> Submission:
    return session.scalar(select(Submission).where(Submission.uuid == uuid))


def _decide(session, world, name, uuid, state, comment=""):
    decide(session, _user(session, world, name), _get(session, uuid), state, comment)
    session.commit()


def _current(session, campaign) -> list[str]:
    return list(session.scalars(select(Submission.uuid).where(Submission.household_id == campaign[2],
                                                              Submission.is_current.is_(True))))


def _stored_current(session, campaign) -> list[str]:
    return list(session.scalars(select(Submission.uuid).join(HouseholdResult,
                                                             HouseholdResult.submission_id == Submission.id)
                                .where(HouseholdResult.household_id == campaign[2],
                                       HouseholdResult.is_current.is_(True)).distinct()))


def _export_rows(client, campaign) -> list[list[str]]:
    body = client.get(f"/reports/{campaign[0]}/V1/ho.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    return [row for row in rows[2:] if campaign[1] in row]  # after the rows of labels and codes


def _informed(client, campaign) -> tuple[int, int]:
    data = client.get(f"/api/v1/rollup?area=V1&round={campaign[0]}").get_json()
    outcome = next(o for o in data["area"]["outcomes"] if o["id"] == "informed")
    return outcome["count"], outcome["population"]


def _counted_once(client, campaign, *, informed: bool) -> None:
    client = client.application.test_client()  # the province's admin, in a browser of their own
    login(client, "admin")
    assert len(_export_rows(client, campaign)) == 1
    assert _informed(client, campaign) == ((1 if informed else 0), 1)


def test_lost_draft_then_a_new_uuid_counts(world, session, client, campaign):
    draft = _send(session, _user(session, world, "dieutra"), campaign, informed=False, submit=False)
    assert _current(session, campaign) == [draft]
    sent = _send(session, _user(session, world, "dieutra"), campaign, informed=True)  # the tablet lost its draft
    assert _current(session, campaign) == [sent]
    assert not _get(session, sent).flags  # a draft does not compete
    _decide(session, world, "giamsat", sent, "approved")
    assert _stored_current(session, campaign) == [sent]
    _counted_once(client, campaign, informed=True)


def test_rejected_then_a_new_one_counts(world, session, client, campaign):
    wrong = _send(session, _user(session, world, "dieutra"), campaign, informed=False)
    _decide(session, world, "giamsat", wrong, "rejected", "Nhầm hộ")
    right = _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    assert _current(session, campaign) == [right] and not _get(session, right).flags
    _decide(session, world, "giamsat", right, "approved")
    _counted_once(client, campaign, informed=True)


def test_two_sent_ones_are_flagged_and_the_supervisor_chooses(world, session, client, campaign):
    first = _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    second = _send(session, _user(session, world, "giamsat"), campaign, informed=False)
    assert _current(session, campaign) == [first]
    for uuid in (first, second):
        assert [f["code"] for f in _get(session, uuid).flags] == ["duplicate_household"]
    # The review queue filters such households.
    login(client, "giamsat")
    queue = client.get(f"/review/?round={campaign[0]}&flag=duplicate_household").get_data(as_text=True)
    assert first in queue and second in queue
    page = client.get(f"/review/{second}").get_data(as_text=True)
    assert "Phiếu này được tính" in page and first[:8] in page
    # The supervisor chooses the second one on its review page.
    token = csrf_token(client)
    done = client.post(f"/review/{second}/count", data={"csrf_token": token, "comment": "Đã gọi điện cho hộ"})
    assert done.status_code == 302
    assert _current(session, campaign) == [second]
    chosen = _get(session, second)
    assert _get(session, first).flags == [] and chosen.flags == []
    assert chosen.chosen_by_id == _user(session, world, "giamsat").id
    audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "submission.choose"))
    assert audit.entity_id == second and audit.after["chosen"] == second
    # Counted once, with the chosen answers (not informed), once approved.
    _decide(session, world, "giamsat", second, "approved")
    assert _stored_current(session, campaign) == [second]
    _counted_once(client, campaign, informed=False)


def test_the_review_api_chooses_too(world, session, client, campaign):
    first = _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    second = _send(session, _user(session, world, "giamsat"), campaign, informed=False)
    tokens = {name: issue_token(session, _user(session, world, name), "test") for name in ("giamsat", "giamsat2", "dieutra")}
    session.commit()

    def post(name, uuid):
        return client.post(f"/api/v1/submissions/{uuid}/count", json={"comment": "Đã gọi điện cho hộ"},
                           headers={"Authorization": f"Bearer {tokens[name]}"})

    assert post("dieutra", second).status_code == 403
    assert post("giamsat2", second).status_code == 404  # another commune
    chosen = post("giamsat", second)
    assert chosen.status_code == 200
    body = chosen.get_json()
    assert body["is_current"] is True and body["chosen"] is True and body["flags"] == []
    assert post("giamsat", second).status_code == 409  # already chosen
    # Choosing the other one moves the choice (one chosen per household and round).
    assert post("giamsat", first).get_json()["is_current"] is True
    assert _current(session, campaign) == [first]
    assert session.scalar(select(func.count()).select_from(Submission).where(
        Submission.household_id == campaign[2], Submission.chosen_at.is_not(None))) == 1
    # A rejected submission cannot be chosen.
    _decide(session, world, "giamsat", second, "rejected", "Nhập trùng")
    assert post("giamsat", second).status_code == 409


def test_rejecting_one_of_two_settles_the_competition(world, session, campaign):
    first = _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    second = _send(session, _user(session, world, "giamsat"), campaign, informed=False)
    _decide(session, world, "giamsat", first, "rejected", "Phiếu nhập trùng")
    assert _current(session, campaign) == [second]
    assert _get(session, first).flags == [] and _get(session, second).flags == []
    assert _stored_current(session, campaign) == [second]
    with pytest.raises(SubmissionConflict):
        choose_counted(session, _user(session, world, "giamsat"), _get(session, first))


def test_a_correction_recomputes_flags_and_fingerprint(world, session, campaign):
    uuid = _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    submission = _get(session, uuid)
    submission.flags = [{"code": "identical_answers", "message": "stale"}]  # as if the peers had changed since
    session.commit()
    before = submission.answers_fingerprint
    assert before is not None
    correct(session, _user(session, world, "giamsat"), submission, "dien_tich_nha", "77", "Gõ nhầm diện tích nhà",
            today="2024-06-01")
    session.commit()
    session.expire_all()
    submission = _get(session, uuid)
    assert submission.answers_fingerprint not in (None, before)
    assert submission.flags == []  # recomputed: one submission alone is not a pattern


def test_income_summaries_can_be_rebuilt_from_the_command_line(app, world, session, campaign):
    _send(session, _user(session, world, "dieutra"), campaign, informed=True)
    session.query(IncomeSummary).delete()
    session.commit()
    result = app.test_cli_runner().invoke(args=["submissions", "refresh-stats", "--round", campaign[0]])
    assert result.exit_code == 0 and "từ 1 phiếu" in result.output
    session.expire_all()
    assert session.scalar(select(IncomeSummary.count)) == 1
    missing = app.test_cli_runner().invoke(args=["submissions", "refresh-stats", "--round", "KHONG"])
    assert missing.exit_code != 0 and "Không có đợt khảo sát mã 'KHONG'" in missing.output


def test_scores_prepared_before_the_write_equal_a_fresh_scoring(world, session, campaign):
    uuid = _send(session, _user(session, world, "dieutra"), campaign, informed=False)
    submission = _get(session, uuid)

    def stored():
        session.expire_all()
        return sorted((r.round_ruleset_id, r.in_population, r.population_mask, r.met_mask, r.state, r.is_current,
                       str(r.result)) for r in session.scalars(select(HouseholdResult).where(
                           HouseholdResult.submission_id == submission.id)))

    prepared = stored()
    assert len(prepared) == 2  # both rulesets of the round
    store_score(session, _get(session, uuid))  # scored again from the stored answers
    session.commit()
    assert stored() == prepared
