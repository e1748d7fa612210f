"""Ingest: complete campaign questionnaires posted to POST /api/v1/submissions under gunicorn, against a bare
Flask endpoint that parses the same JSON and inserts it into the same database, in the same run.

    .venv/bin/python -m bench.ingest [--db sqlite|postgresql|both] [--requests 3000] [--concurrency 8]
                                     [--prefill 50000]

For each database: a fresh database with the demo data, an enumerator of one commune (Măng Cành) with a Bearer
token, and as many new households of that commune as requests. Both servers run `gunicorn --workers 2
--threads 4` (as `make run`) and get the same load: every request a new household and a new UUID, one request in
ten an exact repeat of an earlier one (it must be answered 200, duplicate). Printed: submissions per second,
p50/p99 latency, the status counts, acknowledged (201 + 200) against stored (distinct UUIDs in the database) and
the ratio app/bare. `--prefill N` first stores N sent submissions in the same commune (bulk inserts of the same
shape, income summaries rebuilt): the per-save cost must not grow with the commune. PostgreSQL uses
BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/survey_bench), recreated here.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid as uuid_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.common import bench_app, scratch_database  # noqa: E402
from survey_app.extensions import db  # noqa: E402

COMMUNE = "KT-KPL-01"
ROUND = "RS2024"
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4", "--timeout", "300"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(kind: str, requests: int, prefill: int, url: str | None = None) -> tuple[str, str, list[dict]]:
    """A fresh database with the demo (``url``, else a scratch one), `requests` new households in the commune,
    an enumerator's token and the request bodies (one in ten a repeat)."""
    from survey_app.auth.service import create_user, issue_token
    from survey_app.demo.answers import build_compositions, draw_answers, tier_of
    from survey_app.models import Area, Household, SurveyRound
    from survey_app.surveys.versions import get_definition

    url = scratch_database(kind, url)
    app = bench_app(url)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = db.session
        survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == ROUND))
        villages = list(session.scalars(select(Area).where(Area.path.startswith(
            session.scalar(select(Area.path).where(Area.code == COMMUNE))), Area.code != COMMUNE)))
        user = create_user(session, username="ctv_bench", password="matkhau-bench-123", role="enumerator",
                           area_codes=[COMMUNE], actor_name="bench")
        token = issue_token(session, user, "bench")
        rng = random.Random(9)
        defn = get_definition(survey_round.questionnaire_version)
        pool = build_compositions(defn, rng, "2024-10-01", per_size_and_tier=3)
        total = prefill + requests
        session.execute(insert(Household), [
            {"code": f"B{n:06d}", "head_name": "Đinh Văn Bench", "ethnic_group_code": "xo_dang",
             "village_id": villages[n % len(villages)].id, "members": 1 + n % 9} for n in range(total)])
        households = {h.code: h for h in session.scalars(select(Household).where(Household.code.like("B%")))}

        def answers_for(n: int) -> dict:
            size = 1 + n % 9
            return draw_answers(rng, rng.choice(pool[(size, tier_of(rng.random()))]), ["Đinh Văn Bench"] * size,
                                q=rng.random(), survey_date="2024-10-05", ethnic_group="xo_dang",
                                status_start=None, status_end=None, urban=False)

        if prefill:
            _prefill(session, survey_round, user, households, prefill, answers_for)
        bodies = [{"uuid": str(uuid_module.UUID(int=rng.getrandbits(128), version=4)), "household": f"B{n:06d}",
                   "round": ROUND, "form_version": survey_round.questionnaire_version.version,
                   "answers": answers_for(n), "started_at": "2024-10-05T08:00:00+07:00",
                   "finished_at": "2024-10-05T09:10:00+07:00", "submit": True}
                  for n in range(prefill, total)]
        session.commit()
    load = []
    for index, body in enumerate(bodies):
        load.append(body)
        if index % 9 == 8:  # one request in ten repeats an earlier one exactly
            load.append(rng.choice(bodies[:index + 1]))
    return url, token, load[:requests]


def _prefill(session, survey_round, user, households, count, answers_for) -> None:
    """`count` approved submissions in the commune, inserted in bulk with the shape the save service gives."""
    from survey_app.models import Submission
    from survey_app.submissions.flags import answer_fingerprint
    from survey_app.submissions.payload import answers_hash
    from survey_app.submissions.stats import rebuild_income_summaries
    from survey_app.surveys.versions import get_definition

    started = time.perf_counter()
    defn = get_definition(survey_round.questionnaire_version)
    rows = []
    for n in range(count):
        household = households[f"B{n:06d}"]
        answers = answers_for(n)
        rows.append({"uuid": str(uuid_module.uuid4()), "round_id": survey_round.id, "household_id": household.id,
                     "questionnaire_version_id": survey_round.questionnaire_version_id,
                     "village_id": household.village_id, "enumerator_id": user.id, "state": "approved",
                     "is_current": True, "answers": answers, "answers_hash": answers_hash(answers, True),
                     "answers_fingerprint": answer_fingerprint(defn, answers), "version_number": 1, "flags": [],
                     "source": "api"})
        if len(rows) == 2000:
            session.execute(insert(Submission), rows)
            rows = []
    if rows:
        session.execute(insert(Submission), rows)
    rebuild_income_summaries(session, survey_round.id, defn.quality.income_question)
    print(f"  prefill: {count} approved submissions in {COMMUNE} in {time.perf_counter() - started:.0f} s")


def serve(app_spec: str, url: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", app_spec], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/ping" if "bare" in app_spec else "/login")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{app_spec} did not start: {process.stderr.read().decode()[-2000:]}")


def _client(args) -> list[tuple[int, float, str]]:
    """One client process: `threads` threads with a keep-alive connection each, over its share of the bodies."""
    port, token, bodies, threads = args
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()
    queue = list(enumerate(bodies))

    def work():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        while True:
            with lock:
                if not queue:
                    return
                _, body = queue.pop(0)
            data = json.dumps(body, ensure_ascii=False).encode()
            start = time.perf_counter()
            try:
                connection.request("POST", "/api/v1/submissions", body=data, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                results.append((status, time.perf_counter() - start, body["uuid"]))

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def drive(port: int, token: str, bodies: list[dict], concurrency: int) -> dict:
    processes = 2
    shares = [bodies[i::processes] for i in range(processes)]
    warm, shares = [s[:10] for s in shares], [s[10:] for s in shares]
    with multiprocessing.Pool(processes) as pool:
        pool.map(_client, [(port, token, share, 1) for share in warm])
        started = time.perf_counter()
        parts = pool.map(_client, [(port, token, share, concurrency // processes) for share in shares])
        seconds = time.perf_counter() - started
    results = [r for part in parts for r in part]
    latencies = sorted(r[1] for r in results)
    statuses: dict[int, int] = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    acknowledged = {r[2] for r in results if r[0] in (200, 201)}
    acknowledged |= {b["uuid"] for s in warm for b in s}
    return {"n": len(results), "rate": len(results) / seconds, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000, "statuses": statuses, "acknowledged": acknowledged}


def stored(url: str, table: str, uuids: set[str]) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text(f"SELECT uuid FROM {table}")).scalars().all()
    engine.dispose()
    return len(set(found) & uuids)


def run(kind: str, requests: int, concurrency: int, prefill: int) -> None:
    print(f"[{kind}] preparing {requests} requests{f' after {prefill} submissions' if prefill else ''} …")
    url, token, bodies = prepare(kind, requests, prefill)
    figures = {}
    for name, spec, table in (("app", "wsgi:app", "submission"), ("bare", "bench.bare_app:app",
                                                                   "bench_bare_submission")):
        if name == "bare":  # its table, created before the workers start
            subprocess.run([sys.executable, "-c", "from bench.bare_app import create_table; create_table()"],
                           cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)
        process, port = serve(spec, url)
        try:
            result = drive(port, token, bodies, concurrency)
        finally:
            process.terminate()
            process.wait(timeout=30)
        result["stored"] = stored(url, table, result["acknowledged"])
        figures[name] = result
    print(f"{'':6} {'requests':>8} {'sub/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ack':>6} {'stored':>6}  statuses")
    for name, r in figures.items():
        print(f"{name:6} {r['n']:8d} {r['rate']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {len(r['acknowledged']):6d} "
              f"{r['stored']:6d}  {dict(sorted(r['statuses'].items()))}")
    print(f"ratio app/bare: {figures['app']['rate'] / figures['bare']['rate']:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--prefill", type=int, default=0)
    args = parser.parse_args()
    for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        run(kind, args.requests, args.concurrency, args.prefill)


if __name__ == "__main__":
    main()
