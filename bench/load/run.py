"""One load run: a database with the demo and the bench's households (``bench.ingest.prepare``), gunicorn
(``server.Target``), the clients (``clients``), the faults at given points of the load, then the check against
the database and the figures."""
from __future__ import annotations

import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bench.ingest import COMMUNE, ROUND, prepare
from survey_app.database import make_engine
from survey_app.demo.seed import DEMO_PASSWORD
from survey_app.models import Area, Household, Job, Submission, User
from tests.support.live_server import log_in

from .clients import RESEND_EVERY, Enumerator, Places, Record, Supervisor
from .server import Target

SUPERVISOR = "giamsat"  # the demo's supervisor of the bench's commune
FAULTS = {"worker": Target.kill_worker, "server": Target.kill_everything}


@dataclass
class Result:
    label: str
    clients: int
    seconds: float
    record: Record
    events: list[str]
    acknowledged: int
    stored: int
    lost: int
    duplicated: int
    server_errors_outside_downtime: int
    jobs: dict[str, int] = field(default_factory=dict)
    unanswered_outside_faults: int = 0  # information only: e.g. a keep-alive connection closed by the server
    client_failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.server_errors_outside_downtime or self.client_failures)


def _accounts(url: str, enumerators: int) -> tuple[list[str], str, Places]:
    """Bearer tokens for more enumerators of the commune and for the supervisor, and the supervisor's places."""
    from survey_app.auth.service import create_user, issue_token

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            tokens = []
            for n in range(enumerators):
                user = create_user(session, username=f"ctv_load_{n}", password="matkhau-load-123",
                                   role="enumerator", area_codes=[COMMUNE], actor_name="bench")
                tokens.append(issue_token(session, user, "bench load"))
            supervisor = session.scalar(select(User).where(User.username == SUPERVISOR))
            supervisor_token = issue_token(session, supervisor, "bench load")
            commune = session.scalar(select(Area).where(Area.code == COMMUNE))
            demo = list(session.execute(
                select(Household.code, Area.code).join(Area, Household.village_id == Area.id)
                .where(Area.path.startswith(commune.path), Household.code.not_like("B%"))
                .order_by(Area.code, Household.code)))
            village = demo[0][1]
            places = Places(ROUND, COMMUNE, demo[0][0], village, [c for c, v in demo if v == village][:3])
            session.commit()
        return tokens, supervisor_token, places
    finally:
        engine.dispose()


def check(url: str, acknowledged: set[str]) -> tuple[int, int, int, dict[str, int]]:
    """(stored, lost, duplicated, jobs by state) for the acknowledged UUIDs: each must be one row, and each
    bench household (one per body) must have at most one submission."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(Submission.uuid, Submission.household_id)
                                   .join(Household, Submission.household_id == Household.id)
                                   .where(Household.code.like("B%"))).all()
            jobs = dict(session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
    finally:
        engine.dispose()
    by_uuid = Counter(uuid for uuid, _ in rows)
    by_household = Counter(household for _, household in rows)
    stored = len(acknowledged & set(by_uuid))
    duplicated = sum(n - 1 for n in by_uuid.values()) + sum(n - 1 for n in by_household.values())
    return stored, len(acknowledged) - stored, duplicated, jobs


def run_load(kind: str, requests: int, clients: int, faults: list[tuple[str, float]], *, url: str | None = None,
             label: str = "") -> Result:
    """``requests`` logical requests from ``clients`` clients (a quarter of them supervisors, at least one);
    ``faults`` are (name, fraction of the requests done) with name "worker" or "server"."""
    supervisors = max(1, clients // 4)
    enumerators = max(1, clients - supervisors)
    supervisor_ops = max(supervisors, requests // 5)
    enumerator_ops = requests - supervisor_ops
    fresh = enumerator_ops - enumerator_ops // RESEND_EVERY + enumerators  # the rest are deliberate re-sends
    url, _, bodies = prepare(kind, fresh, 0, url)
    tokens, supervisor_token, places = _accounts(url, enumerators)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    target = Target(url, workdir).start()
    record = Record(total=requests)
    try:
        browsers = [log_in(target.server, SUPERVISOR, DEMO_PASSWORD) for _ in range(supervisors)]
        threads = [Enumerator(target.port, record, tokens[i], bodies[i::enumerators],
                              enumerator_ops // enumerators + (i < enumerator_ops % enumerators))
                   for i in range(enumerators)]
        threads += [Supervisor(target.port, record, browsers[i], supervisor_token, places,
                               supervisor_ops // supervisors + (i < supervisor_ops % supervisors), prints=i == 0)
                    for i in range(supervisors)]
        total = sum(t.operations for t in threads)
        record.total, record.clients = total, len(threads)
        target.t0 = started = time.monotonic()
        for thread in threads:
            thread.start()
        for name, fraction in sorted(faults, key=lambda f: f[1]):
            record.wait_for(int(total * fraction))
            FAULTS[name](target, time.monotonic() - started)
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
    finally:
        target.stop()
    stored, lost, duplicated, jobs = check(url, record.acknowledged)
    outside = sum(1 for a in record.attempts
                  if a.status is not None and a.status >= 500 and not target.in_downtime(a.started))
    unanswered = sum(1 for a in record.attempts if a.status is None and not target.during_fault(a.started + a.seconds))
    failures = [f"{type(t).__name__}: {t.failure!r}" for t in threads if t.failure is not None]
    return Result(label or f"{kind} · {'+'.join(n for n, _ in faults) or 'no fault'}", len(threads), seconds, record,
                  target.events, len(record.acknowledged), stored, lost, duplicated, outside, jobs=jobs,
                  unanswered_outside_faults=unanswered, client_failures=failures)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def report(result: Result) -> str:
    """The figures of one run, as printed by ``python -m bench.load``."""
    record = result.record
    lines = [f"[{result.label}] {record.done} requests ({len(record.attempts)} attempts) by "
             f"{result.clients} clients in {result.seconds:.1f} s: {record.done / result.seconds:.1f} requests/s"]
    by_endpoint: dict[str, list] = defaultdict(list)
    for attempt in record.attempts:
        by_endpoint[attempt.endpoint].append(attempt)
    lines.append(f"  {'endpoint':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}  statuses")
    for endpoint, attempts in sorted(by_endpoint.items()):
        answered = [a.seconds for a in attempts if a.status is not None] or [0.0]
        statuses = Counter("none" if a.status is None else str(a.status) for a in attempts)
        lines.append(f"  {endpoint:34} {len(attempts):6d} {_percentile(answered, 0.5):8.1f} "
                     f"{_percentile(answered, 0.95):8.1f}  {dict(sorted(statuses.items()))}")
    errors = Counter("no answer" if a.status is None else str(a.status) for a in record.attempts
                     if a.status is None or a.status >= 400)
    lines.append(f"  errors by status: {dict(sorted(errors.items())) or 'none'}; "
                 f"no answer outside the faults: {result.unanswered_outside_faults}")
    lines += [f"  fault: {event}" for event in result.events]
    lines.append(f"  booklet jobs by state: {dict(sorted(result.jobs.items())) or 'none'}")
    lines.append(f"  submissions: acknowledged {result.acknowledged}, stored {result.stored}, lost {result.lost}, "
                 f"duplicated {result.duplicated}, never acknowledged {record.unacknowledged}; 5xx outside downtime {result.server_errors_outside_downtime}")
    lines += [f"  CLIENT FAILED: {failure}" for failure in result.client_failures]
    lines.append(f"  {'OK' if result.ok else 'FAILED'}")
    return "\n".join(lines)
