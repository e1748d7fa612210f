"""Rollup speed on a generated province of 200.000 households with two rounds, as a ratio to one plain SQL
aggregate over the same stored results in the same run (goal: under 1,5×; province rollup well under 0,5 s).

    .venv/bin/python bench/rollup.py [sqlite|postgresql]

Each case is `reports.report.build_report`, what the report page, the API, the PDF and the exports call: the
rollup with the official list's size, surveyed and counted households (the round's list), and as the page shows
it the previous round beside it and the ethnic breakdown. Each figure is the best of several runs (warm cache, as
a report page served repeatedly).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.province import province
from survey_app.extensions import db
from survey_app.models import Area, HouseholdResult, SurveyRound
from survey_app.reports.report import build_report, result_set, round_link
from survey_app.reports.rollup import ResultSet, counted_filter, measures

RUNS = 7


def plain_aggregate(connection, result_set: ResultSet) -> tuple[int, ...]:
    """The yardstick: one flat aggregate of the round's counted results (no areas, no targets)."""
    stmt = select(*measures(result_set.outcomes, HouseholdResult.__table__.c)).where(counted_filter(result_set))
    return tuple(int(x) for x in connection.execute(stmt).one())


def best(function) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(kind: str = "sqlite") -> None:
    province(kind)
    session = db.session
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == "CVD-2025"))
    link, version = round_link(session, survey_round)
    rs = result_set(survey_round, link, version)
    top = session.scalar(select(Area).where(Area.code == "KT"))
    commune = session.scalar(select(Area).where(Area.code == "KT-KPL-01"))
    connection = session.connection()
    baseline = best(lambda: plain_aggregate(connection, rs))
    cases = {
        "province rollup (10 districts)": lambda: build_report(session, survey_round, top, compare=False),
        "province rollup + previous round": lambda: build_report(session, survey_round, top),
        "commune rollup (villages)": lambda: build_report(session, survey_round, commune, compare=False),
        "commune rollup + previous round": lambda: build_report(session, survey_round, commune),
        "province rollup + ethnic groups": lambda: build_report(session, survey_round, top, compare=False, ethnic=True),
        "province page (previous round + ethnic groups)": lambda: build_report(session, survey_round, top,
                                                                               ethnic=True),
        "commune page (previous round + ethnic groups)": lambda: build_report(session, survey_round, commune,
                                                                              ethnic=True),
    }
    counted = plain_aggregate(connection, rs)[0]
    print(f"[{kind}] {counted} households in the denominator of round {survey_round.code}")
    print(f"[{kind}] plain SQL aggregate (baseline): {baseline * 1000:.1f} ms")
    for label, function in cases.items():
        seconds = best(function)
        print(f"[{kind}] {label}: {seconds * 1000:.1f} ms = {seconds / baseline:.2f}× baseline")
    session.rollback()


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["sqlite"]))
