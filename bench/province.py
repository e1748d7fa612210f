"""The benchmarks' generated province (200.000 households, two rounds), made once per database and reused.

SQLite: a file under instance/bench/ (kept between runs); PostgreSQL: the database in BENCH_ROLLUP_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/survey_h7_bench), rebuilt when it does not hold the province.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from bench.common import bench_app
from survey_app import migrate
from survey_app.config import normalise_database_url
from survey_app.extensions import db
from survey_app.models import Household, SurveyRound

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "200000"))
SEED = 2025


def database_url(kind: str) -> str:
    if kind == "sqlite":
        folder = ROOT / "instance" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / f'province-{HOUSEHOLDS}.sqlite3'}"
    return normalise_database_url(os.environ.get("BENCH_ROLLUP_DATABASE_URL",
                                                 "postgresql://postgres@127.0.0.1:5432/survey_h7_bench"))


def _has_province(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rounds = conn.execute(text("SELECT count(*) FROM survey_round WHERE code IN ('CVD-2024', 'CVD-2025')"))
            households = conn.execute(text("SELECT count(*) FROM household"))
            return rounds.scalar() == 2 and households.scalar() == HOUSEHOLDS
    except Exception:  # no tables yet
        return False
    finally:
        engine.dispose()


def province(kind: str):
    """An app bound to a database holding the generated province (generating it if needed)."""
    from survey_app.demo.generate import generate

    url = database_url(kind)
    if not _has_province(url):
        if kind == "sqlite":
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            engine = create_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        migrate.upgrade(url)
        app = bench_app(url)
        started = time.perf_counter()
        generate(db.session, households=HOUSEHOLDS, seed=SEED, versions=False)
        db.session.commit()
        print(f"[{kind}] generated {HOUSEHOLDS} households in {time.perf_counter() - started:.0f} s")
        if kind == "postgresql":
            with app.extensions["database_engine"].connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(text("VACUUM ANALYZE"))
        else:
            with app.extensions["database_engine"].connect() as c:
                c.exec_driver_sql("ANALYZE")
        return app
    migrate.upgrade(url)  # a province generated before the latest migrations gets them (and their summaries)
    app = bench_app(url)
    count = db.session.scalar(select(func.count(Household.id)))
    rounds = db.session.scalars(select(SurveyRound.code)).all()
    print(f"[{kind}] reusing the generated province: {count} households, rounds {', '.join(rounds)}")
    return app
