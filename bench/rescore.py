"""Rescoring a whole round of the generated province (200.000 households) in one transaction, rolled back at
the end so that the benchmark can be repeated.

    .venv/bin/python bench/rescore.py [sqlite|postgresql] [--all-rulesets]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.province import province
from survey_app.extensions import db
from survey_app.models import Submission, SurveyRound
from survey_app.results.rescore import rescore_round


def main(kind: str = "sqlite", all_rulesets: bool = False) -> None:
    province(kind)
    session = db.session
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == "CVD-2025"))
    submissions = session.scalar(select(func.count(Submission.id)).where(Submission.round_id == survey_round.id,
                                                                        Submission.state != "draft"))
    started = time.perf_counter()
    report = rescore_round(session, survey_round, actor="bench",
                           ruleset_id=None if all_rulesets else "cuoc_van_dong")
    session.flush()
    seconds = time.perf_counter() - started
    print(f"[{kind}] rescored {submissions} submissions ({report.rows} results, {', '.join(report.versions)}) "
          f"in {seconds:.1f} s = {report.rows / seconds:.0f} results/s")
    session.rollback()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(next((a for a in args if not a.startswith("--")), "sqlite"), "--all-rulesets" in args)
