"""Concurrency against a RUNNING server: gunicorn with 2 workers × 4 threads, real parallel clients.

Each burst is released at once by a Barrier from its own threads, each thread on its own connection:
- one new UUID posted 20 times (Bearer token; a browser session on the JSON API; the enumerator's web form);
- 20 different UUIDs for one household;
- new submissions for several households while a supervisor approves and returns earlier ones;
- token-authenticated reads while others write.
Every answer must be 2xx or a deliberate 4xx (409/422), never a 500 or no answer, and the database, read
directly, must end with exactly one row per distinct UUID and one current submission per household and round.

Runs on SQLite (a file in tmp_path) and on PostgreSQL when TEST_DATABASE_URL is set (in a database of its own,
``<that database>_live``, created and dropped here).
"""
from __future__ import annotations

import random
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app import migrate
from survey_app.auth.service import issue_token
from survey_app.core.counting import Candidate, decide_current
from survey_app.database import make_engine
from survey_app.models import AuditEntry, Household, Submission, SubmissionComment, SubmissionVersion, SurveyRound
from tests.support.factories import PASSWORD, Factories
from tests.support.fieldwork import ROUND_CODE, complete_answers, form_post, make_campaign_round
from tests.support.live_database import drop_postgres_database, live_database
from tests.support.live_server import BrowserSession, Call, LiveServer, Outcome, bearer, log_in, request, run_together

API = "/api/v1/submissions"
FORM_VERSION = "2024.3"
TIMES = 20
HOUSEHOLDS = [f"HC-{n:02d}" for n in range(1, 41)]  # extra households in village V1, the enumerator's village


@dataclass
class Live:
    server: LiveServer = field(repr=False)
    engine: object = field(repr=False)
    tokens: dict[str, str] = field(repr=False)
    database: str = "sqlite"
    browsers: dict[str, BrowserSession] = field(default_factory=dict, repr=False)

    def session(self) -> Session:
        return Session(self.engine)

    def headers(self, username: str, auth: str) -> dict[str, str]:
        """How ``username`` authenticates a JSON API write: its Bearer token, or a logged-in browser session
        (cookie and X-CSRFToken header, as the web pages' fetch() calls; one login per user and module)."""
        if auth == "token":
            return bearer(self.tokens[username])
        return self.browser(username).headers(csrf=True)

    def browser(self, username: str) -> BrowserSession:
        if username not in self.browsers:
            self.browsers[username] = log_in(self.server, username, PASSWORD)
        return self.browsers[username]


def _seed(database_url: str) -> dict[str, str]:
    """The test world (tests/factories.py), 40 more households in V1, an open round of the campaign
    questionnaire over the province, and Bearer tokens for the enumerator and the supervisor."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            factories = Factories(session)
            world = factories.world()
            for index, code in enumerate(HOUSEHOLDS):
                factories.household(world.areas["V1"], code=code, head_name=f"Hộ thử {index + 1}")
            make_campaign_round(session)
            tokens = {name: issue_token(session, world.users[name], label="kiểm thử đồng thời")
                      for name in ("dieutra", "giamsat")}
            session.commit()
        return tokens
    finally:
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request, tmp_path_factory):
    """A migrated, seeded database and gunicorn serving it; stopped (and the PostgreSQL database dropped) at
    the end of the module."""
    workdir = tmp_path_factory.mktemp(f"live_{request.param}")
    url, postgres_url = live_database(request.param, workdir)
    engine = None
    server = LiveServer(url, workdir / "gunicorn.log")
    try:
        migrate.upgrade(url)
        tokens = _seed(url)
        server.start()
        engine = make_engine(url)
        yield Live(server, engine, tokens, request.param)
    finally:
        server.stop()
        if engine is not None:
            engine.dispose()
        if postgres_url is not None:
            drop_postgres_database(postgres_url)


# -- helpers -------------------------------------------------------------------------------------------------------

def new_uuid() -> str:
    return str(uuid_module.uuid4())


def api_body(uuid: str, household: str, *, submit: bool = True) -> dict:
    return {"uuid": uuid, "household": household, "round": ROUND_CODE, "form_version": FORM_VERSION,
            "answers": complete_answers(), "started_at": "2025-03-10T08:00:00+07:00",
            "finished_at": "2025-03-10T08:45:00+07:00", "submit": submit}


def save_call(live: Live, uuid: str, household: str, tag=None, auth: str = "token") -> Call:
    return Call("POST", API, json_body=api_body(uuid, household), headers=live.headers("dieutra", auth),
                tag=tag or ("save", household, uuid))


def review_call(live: Live, uuid: str, state: str, comment: str = "", auth: str = "token") -> Call:
    return Call("POST", f"{API}/{uuid}/review", json_body={"state": state, "comment": comment},
                headers=live.headers("giamsat", auth), tag=("review", uuid, state))


def burst(live: Live, calls: list[Call]) -> tuple[list[Outcome], int]:
    """Send ``calls`` at once; also returns where the server log stood before, for error_summary."""
    mark = live.server.log_size()
    return run_together(live.server, calls), mark


def report(live: Live, outcomes: list[Outcome], mark: int) -> str:
    """Status counts per kind of call, and the exceptions the server logged during the burst."""
    by_kind: dict[str, Counter] = {}
    for outcome in outcomes:
        kind = outcome.call.tag[0] if isinstance(outcome.call.tag, tuple) else str(outcome.call.tag)
        by_kind.setdefault(kind, Counter())[outcome.label] += 1
    counts = "; ".join(f"{kind}: {dict(counter)}" for kind, counter in by_kind.items())
    slowest = max((o.seconds for o in outcomes), default=0.0)
    return (f"[{live.database}] statuses {counts} (slowest {slowest:.1f} s)\n"
            f"server exceptions during the burst:\n{live.server.error_summary(since=mark)}")


def assert_statuses(live: Live, outcomes: list[Outcome], mark: int, allowed: dict[str, set[int]]) -> None:
    """Every outcome answered, with a status allowed for its kind of call (the tag's first item)."""
    wrong = sum(o.status not in allowed[o.call.tag[0]] for o in outcomes)
    assert wrong == 0, report(live, outcomes, mark)


def household_rows(live: Live, household: str) -> list[Submission]:
    with live.session() as session:
        return list(session.scalars(
            select(Submission).join(Household, Submission.household_id == Household.id)
            .join(SurveyRound, Submission.round_id == SurveyRound.id)
            .where(Household.code == household, SurveyRound.code == ROUND_CODE).order_by(Submission.id)))


def rows_with_uuid(live: Live, uuid: str) -> int:
    with live.session() as session:
        return session.scalar(select(func.count(Submission.id)).where(Submission.uuid == uuid))


def audit_actions(live: Live, uuid: str) -> list[str]:
    with live.session() as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == uuid)
                                    .order_by(AuditEntry.id)))


def versions_of(live: Live, uuid: str) -> list[int]:
    with live.session() as session:
        return list(session.scalars(select(SubmissionVersion.number).join(Submission)
                                    .where(Submission.uuid == uuid).order_by(SubmissionVersion.id)))


def assert_one_current(live: Live, household: str) -> list[Submission]:
    rows = household_rows(live, household)
    current = [r.uuid for r in rows if r.is_current]
    assert len(current) == 1, f"[{live.database}] household {household}: {len(current)} current submissions " \
                              f"among {len(rows)} rows ({current})"
    return rows


def assert_created_once(live: Live, uuid: str, household: str) -> None:
    assert rows_with_uuid(live, uuid) == 1, f"[{live.database}] rows with uuid {uuid}"
    actions = audit_actions(live, uuid)
    assert actions == ["submission.create", "submission.submit"], f"[{live.database}] audit of {uuid}: {actions}"
    assert versions_of(live, uuid) == [1], f"[{live.database}] versions of {uuid}"
    [row] = assert_one_current(live, household)
    assert row.uuid == uuid and row.state == "submitted"


# -- 1. one UUID, twenty times, Bearer token ---------------------------------------------------------------------

def test_same_uuid_twenty_times_with_a_token_is_created_once(live):
    uuid, household = new_uuid(), HOUSEHOLDS[0]
    outcomes, mark = burst(live, [save_call(live, uuid, household) for _ in range(TIMES)])
    assert_statuses(live, outcomes, mark, {"save": {200, 201}})
    statuses = Counter(o.status for o in outcomes)
    assert statuses == {201: 1, 200: TIMES - 1}, report(live, outcomes, mark)
    assert all(o.json()["uuid"] == uuid and o.json()["duplicate"] == (o.status == 200) for o in outcomes)
    assert_created_once(live, uuid, household)


# -- 2. one UUID, twenty times, one browser session --------------------------------------------------------------

def test_same_uuid_twenty_times_in_a_browser_session_on_the_api_is_created_once(live):
    """The web pages' fetch() calls: session cookie plus the X-CSRFToken header."""
    uuid, household = new_uuid(), HOUSEHOLDS[1]
    calls = [save_call(live, uuid, household, auth="session") for _ in range(TIMES)]
    outcomes, mark = burst(live, calls)
    assert_statuses(live, outcomes, mark, {"save": {200, 201}})
    statuses = Counter(o.status for o in outcomes)
    assert statuses == {201: 1, 200: TIMES - 1}, report(live, outcomes, mark)
    assert_created_once(live, uuid, household)


def test_same_form_sent_twenty_times_from_the_enumerators_page_is_created_once(live):
    """The questionnaire page's POST (a double-tapped "Gửi phiếu" on a slow line): every answer redirects to the
    household list, one submission is stored."""
    browser = live.browser("dieutra")
    uuid, household = new_uuid(), HOUSEHOLDS[2]
    path = f"/fieldwork/{ROUND_CODE}/{household}"
    page = request(live.server, "GET", path, headers=browser.cookie_header)
    assert page.status == 200, page.status
    form = [("csrf_token", browser.csrf_token), ("submission-uuid", uuid),
            ("submission-started", "2025-03-10T08:00:00+07:00"), ("submission-form-version", FORM_VERSION),
            ("submission-action", "submit")] + form_post(complete_answers())
    calls = [Call("POST", path, form=form, headers=browser.cookie_header, tag=("form", household, uuid))
             for _ in range(TIMES)]
    outcomes, mark = burst(live, calls)
    assert_statuses(live, outcomes, mark, {"form": {302}})
    assert_created_once(live, uuid, household)


# -- 3. twenty UUIDs for one household ---------------------------------------------------------------------------

@pytest.mark.parametrize("auth", ["token", "session"])
def test_twenty_uuids_for_one_household_are_all_kept_with_one_current(live, auth):
    """Twenty devices (or tabs) each send their own submission for one household at once."""
    household = HOUSEHOLDS[3 if auth == "token" else 4]
    uuids = [new_uuid() for _ in range(TIMES)]
    outcomes, mark = burst(live, [save_call(live, uuid, household, auth=auth) for uuid in uuids])
    assert_statuses(live, outcomes, mark, {"save": {201}})
    current_answers = [o.call.tag[2] for o in outcomes if o.json()["is_current"]]
    assert len(current_answers) == 1, f"answers saying is_current: {current_answers}"
    rows = assert_one_current(live, household)
    assert sorted(r.uuid for r in rows) == sorted(uuids)
    [current] = [r for r in rows if r.is_current]
    assert current.uuid == current_answers[0]
    # review/flags.py: every submission of a household with another one in the round carries the flag
    unflagged = [r.uuid for r in rows if not any(f["code"] == "duplicate_household" for f in r.flags or [])]
    assert unflagged == [], f"[{live.database}] submissions without the duplicate_household flag: {unflagged}"


# -- 4. saves interleaved with reviews ---------------------------------------------------------------------------

REVIEWS = [("approved", ""), ("has_issues", "Thiếu thông tin vay vốn, hỏi lại hộ."), ("rejected", "Hộ trùng."),
           ("approved", "")]


@pytest.mark.parametrize("auth", ["token", "session"])
def test_saves_interleaved_with_reviews_never_fail_and_stay_consistent(live, auth):
    """While the enumerator sends new submissions (and re-sends old ones) for eight households, the supervisor
    approves, returns and rejects the four submitted earlier, several decisions on one submission at once
    (``session``: both work in browsers, the supervisor perhaps in several tabs)."""
    first = 10 if auth == "token" else 20
    reviewed, fresh = HOUSEHOLDS[first:first + 4], HOUSEHOLDS[first + 4:first + 8]
    earlier = {}
    for household in reviewed:
        uuid = new_uuid()
        answer = request(live.server, "POST", API, json_body=api_body(uuid, household),
                         headers=bearer(live.tokens["dieutra"]))
        assert answer.status == 201, f"[{live.database}] setup save of {household}: {answer.status}"
        earlier[household] = uuid
    calls = [save_call(live, new_uuid(), household, auth=auth) for household in reviewed + fresh for _ in range(2)]
    calls += [save_call(live, uuid, household, tag=("resend", household, uuid), auth=auth)
              for household, uuid in earlier.items()]
    calls += [review_call(live, uuid, state, comment, auth=auth) for uuid in earlier.values()
              for state, comment in REVIEWS]
    random.Random(9).shuffle(calls)
    outcomes, mark = burst(live, calls)
    assert_statuses(live, outcomes, mark, {"save": {201}, "resend": {200}, "review": {200, 409, 422}})

    acknowledged = set(earlier.values()) | {o.call.tag[2] for o in outcomes if o.call.tag[0] == "save"}
    stored: list[str] = []
    for household in reviewed + fresh:
        rows = assert_one_current(live, household)
        stored += [r.uuid for r in rows]
        # The one current submission is the counting rule's pick from what the household ended with.
        [current] = [r for r in rows if r.is_current]
        decision = decide_current(Candidate(id=n, state=r.state, sent_at=r.submitted_at, updated_at=r.updated_at,
                                            chosen=r.chosen_at is not None) for n, r in enumerate(rows))
        assert current.uuid == rows[decision.current].uuid, f"{household}: the counting rule's pick is current"
    assert sorted(stored) == sorted(acknowledged), "one row per distinct acknowledged UUID, nothing else"

    # Each review answered 200 left exactly one comment, and the comments chain: every decision starts from the
    # state the previous one left (no two decisions both made from 'submitted'), the last one is the state.
    accepted = Counter(o.call.tag[1] for o in outcomes if o.call.tag[0] == "review" and o.status == 200)
    with live.session() as session:
        for uuid in earlier.values():
            submission = session.scalar(select(Submission).where(Submission.uuid == uuid))
            chain = list(session.scalars(select(SubmissionComment).where(SubmissionComment.submission_id ==
                                                                         submission.id).order_by(SubmissionComment.id)))
            steps = [(c.from_state, c.to_state) for c in chain]
            assert len(chain) == accepted[uuid], f"[{live.database}] {uuid}: {accepted[uuid]} reviews answered " \
                                                 f"200, {len(chain)} comments {steps}"
            state = "submitted"
            for from_state, to_state in steps:
                assert from_state == state, f"[{live.database}] {uuid}: decisions {steps} do not chain"
                state = to_state
            assert submission.state == state, f"[{live.database}] {uuid}: state {submission.state}, decisions {steps}"


# -- 5. token reads while others write ---------------------------------------------------------------------------

def test_token_reads_during_writes_never_fail(live):
    """Reading with a token used to write its last_used_at on every request, and hit 'database is locked'."""
    households = HOUSEHOLDS[30:35]
    known = new_uuid()
    answer = request(live.server, "POST", API, json_body=api_body(known, households[0]),
                     headers=bearer(live.tokens["dieutra"]))
    assert answer.status == 201, f"[{live.database}] setup save: {answer.status}"
    enumerator, supervisor = bearer(live.tokens["dieutra"]), bearer(live.tokens["giamsat"])
    reads = ([Call("GET", f"{API}/{known}", headers=enumerator, tag=("read",))] * 8
             + [Call("GET", f"{API}?round={ROUND_CODE}", headers=enumerator, tag=("read",))] * 4
             + [Call("GET", "/api/v1/me", headers=enumerator, tag=("read",))] * 4
             + [Call("GET", f"{API}?round={ROUND_CODE}", headers=supervisor, tag=("read",))] * 4)
    writes = [save_call(live, new_uuid(), household) for household in households for _ in range(2)]
    calls = reads + writes
    random.Random(5).shuffle(calls)
    outcomes, mark = burst(live, calls)
    assert_statuses(live, outcomes, mark, {"read": {200}, "save": {201}})
    for household in households:
        assert_one_current(live, household)
    for outcome in outcomes:
        if outcome.call.tag[0] == "save":
            assert rows_with_uuid(live, outcome.call.tag[2]) == 1
