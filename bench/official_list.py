"""The register grouped by village, ethnic group and the statuses of the two years a round reads
(reports/summary.register_by_statuses: what `refresh_list` and `flask reports rebuild-summary` compute for the
official list's village summary), against one plain aggregate over the same register in the same run. The report
itself reads the summary (bench/rollup.py).

    .venv/bin/python bench/official_list.py [sqlite|postgresql] [--households 200000]

A scratch database (migrated, so with the schema's indexes) gets 1.000 villages in 10 districts and N households
with a status for 2023 and 2024 each, inserted in bulk. Each figure is the best of several runs (warm cache).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, insert, select, text

from bench.common import scratch_database
from survey_app.models import Area, Household, HouseholdStatus
from survey_app.reports.summary import register_by_statuses

RUNS = 5
COVERING_INDEXES = ("ix_household_village_group", "ix_household_status_covering")
STATUSES = ("ngheo", "can_ngheo", "khong_ngheo")


def build(url: str, households: int) -> None:
    engine = create_engine(url)
    rng = random.Random(1)
    with engine.begin() as conn:
        areas = [{"id": 1, "code": "P", "name": "Tỉnh", "level": "tỉnh", "parent_id": None, "path": "/1/", "depth": 0}]
        villages = []
        for d in range(10):
            areas.append({"id": 2 + d, "code": f"D{d}", "name": f"Huyện {d}", "level": "huyện", "parent_id": 1,
                          "path": f"/1/{2 + d}/", "depth": 1})
            for v in range(100):
                vid = 100 + d * 100 + v
                villages.append({"id": vid, "code": f"V{vid}", "name": f"Thôn {vid}", "level": "thôn",
                                 "parent_id": 2 + d, "path": f"/1/{2 + d}/{vid}/", "depth": 2})
        conn.execute(insert(Area), areas + villages)
        groups = [code for code, in conn.execute(text("SELECT code FROM ethnic_group"))]
        for start in range(0, households, 20_000):
            rows = range(start, min(start + 20_000, households))
            conn.execute(insert(Household), [
                {"id": i + 1, "code": f"H{i:07d}", "head_name": "Chủ hộ", "ethnic_group_code": rng.choice(groups),
                 "village_id": villages[i % len(villages)]["id"], "members": 3} for i in rows])
            conn.execute(insert(HouseholdStatus), [
                {"household_id": i + 1, "year": year, "status": rng.choice(STATUSES)} for i in rows
                for year in (2023, 2024)])
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()


def best(run) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", nargs="?", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--households", type=int, default=200_000)
    args = parser.parse_args()
    url = scratch_database(args.kind)
    build(url, args.households)
    engine = create_engine(url)
    with engine.connect() as conn:
        plain = select(Household.village_id, func.count()).group_by(Household.village_id)
        baseline = best(lambda: conn.execute(plain).all())
        province = best(lambda: register_by_statuses(conn, 2023, 2024))
        district = best(lambda: register_by_statuses(conn, 2023, 2024, range(200, 300)))  # district D1
        for index in COVERING_INDEXES:  # the same queries without the covering indexes of migration 0011
            conn.execute(text(f"DROP INDEX {index}"))
        conn.commit()
        bare_province = best(lambda: register_by_statuses(conn, 2023, 2024))
    count = f"{args.households:,}".replace(",", ".")
    print(f"[{args.kind}] {count} households, statuses for 2023 and 2024")
    print(f"  plain aggregate (households per village)  {baseline:8.1f} ms")
    print(f"  register by statuses, province            {province:8.1f} ms  ({province / baseline:.2f}×)")
    print(f"  register by statuses, one district        {district:8.1f} ms  ({district / baseline:.2f}×)")
    print(f"  register by statuses, province, without the covering indexes {bare_province:8.1f} ms  "
          f"({bare_province / baseline:.2f}×; the indexes make it {bare_province / province:.1f}× faster)")


if __name__ == "__main__":
    main()
