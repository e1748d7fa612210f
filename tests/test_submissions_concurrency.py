"""Concurrent devices against a running server (gunicorn, 2 workers × 4 threads, as `make run`), on SQLite and
PostgreSQL: the same UUID many times at once, many UUIDs for one household at once, saves interleaved with
reviews and token reads. Every answer is 2xx or a deliberate 4xx, never a 500; nothing acknowledged is lost."""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from survey_app.auth.service import issue_token
from survey_app.models import Submission
from survey_app.submissions import SubmissionPayload, save_submission
from tests.support.live_server import Client, LiveServer
from tests.test_surveys_fixtures import complete_household_answers, make_round, new_uuid, store_campaign_form

URL = "/api/v1/submissions"
ROUND = "RS2024"


@pytest.fixture(scope="module")
def server(database_url):
    live = LiveServer(database_url)
    yield live
    live.stop()


@pytest.fixture
def field(app, session, world, factories, server):
    """The campaign round, 30 households of V1, tokens for the enumerator and the supervisor."""
    make_round(session, store_campaign_form(session), code=ROUND, areas=("P",))
    households = [factories.household(world.areas["V1"], code=f"HC-{n:03d}") for n in range(30)]
    tokens = {name: issue_token(session, world.users[name], "test") for name in ("dieutra", "giamsat")}
    session.commit()
    return [h.code for h in households], tokens


def body(household: str, uuid: str | None = None) -> dict:
    return {"uuid": uuid or new_uuid(), "household": household, "round": ROUND, "form_version": "2024.1",
            "answers": complete_household_answers(), "started_at": "2024-05-10T08:30:00+07:00",
            "finished_at": "2024-05-10T09:15:00+07:00", "submit": True}


def at_once(calls) -> list[tuple[int, dict]]:
    """Run the calls on as many threads, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def statuses(results) -> Counter:
    return Counter(status for status, _ in results)


def no_server_errors(results) -> None:
    failed = [(status, data) for status, data in results if status >= 500 or status == 0]
    assert not failed, failed[:3]


def rows(session, **where) -> int:
    session.expire_all()
    query = select(func.count()).select_from(Submission)
    for key, value in where.items():
        query = query.where(getattr(Submission, key) == value)
    return session.scalar(query)


def current_per_household(session) -> dict[int, int]:
    session.expire_all()
    found = session.execute(select(Submission.household_id, func.count()).where(Submission.is_current.is_(True))
                            .group_by(Submission.household_id)).all()
    return dict(found)


@pytest.mark.parametrize("auth", ["token", "session"])
def test_same_uuid_twenty_times(server, field, session, auth):
    households, tokens = field
    client = Client(server.base, token=tokens["dieutra"]) if auth == "token" else \
        Client.logged_in(server.base, "dieutra")
    payload = body(households[0])
    results = at_once([lambda: client.request("POST", URL, payload)] * 20)
    no_server_errors(results)
    assert statuses(results) == {201: 1, 200: 19}
    assert rows(session, uuid=payload["uuid"]) == 1


def test_twenty_uuids_for_one_household_are_all_kept_and_one_counts(server, field, session):
    households, tokens = field
    client = Client(server.base, token=tokens["dieutra"])
    payloads = [body(households[2]) for _ in range(20)]
    results = at_once([lambda p=p: client.request("POST", URL, p) for p in payloads])
    no_server_errors(results)
    assert statuses(results) == {201: 20}
    assert rows(session) == 20
    assert list(current_per_household(session).values()) == [1]
    assert sum(1 for _, data in results if data["is_current"]) <= 1  # told the truth at the time of its answer


def test_saves_interleaved_with_reviews_and_token_reads(server, field, session, world):
    households, tokens = field
    sent = [save_submission(session, world.users["dieutra"], SubmissionPayload(
        uuid=new_uuid(), household_code=code, round_code=ROUND, form_version=None,
        answers=complete_household_answers(), submit=True), today="2024-06-01").submission.uuid
        for code in households[3:11]]
    session.commit()
    enumerator = Client(server.base, token=tokens["dieutra"])
    supervisor = Client(server.base, token=tokens["giamsat"])
    browser = Client.logged_in(server.base, "giamsat")
    new = [body(code) for code in households[11:23]]
    calls = [lambda p=p: enumerator.request("POST", URL, p) for p in new]
    calls += [lambda p=new[0]: enumerator.request("POST", URL, p)] * 3  # a device retrying
    calls += [lambda u=u: supervisor.request("POST", f"{URL}/{u}/review", {"state": "approved"}) for u in sent[:4]]
    calls += [lambda u=u: browser.request("POST", f"{URL}/{u}/review", {"state": "has_issues",
                                                                         "comment": "Thiếu thông tin"})
              for u in sent[4:]]
    calls += [lambda u=u: supervisor.request("POST", f"{URL}/{u}/review", {"state": "rejected"})
              for u in sent[:2]]  # no comment: a deliberate 422 (or 409 once approved)
    calls += [lambda u=u: enumerator.request("GET", f"{URL}/{u}") for u in sent]
    calls += [lambda: supervisor.request("GET", f"{URL}?round={ROUND}")] * 4
    results = at_once(calls)
    no_server_errors(results)
    assert set(statuses(results)) <= {200, 201, 409, 422}
    acknowledged = {p["uuid"] for p, (status, _) in zip(new, results) if status in (200, 201)}
    assert len(acknowledged) == len(new)
    assert rows(session) == len(sent) + len(new)
    assert set(current_per_household(session).values()) == {1}
    session.expire_all()
    states = Counter(session.scalars(select(Submission.state).where(Submission.uuid.in_(sent))))
    assert states == {"approved": 4, "has_issues": 4}
