"""Household import of 20.000 rows (CSV and XLSX), against a baseline of a plain
executemany INSERT of the same rows in the same run.

    .venv/bin/python bench/import_households.py [sqlite|postgresql]
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook
from sqlalchemy import text

from bench.common import bench_app, scratch_database, timed
from survey_app.demo.seed import seed_demo
from survey_app.extensions import db
from survey_app.households.importing import import_households
from survey_app.models import Area, User

ROWS = 20_000


def main(kind: str = "sqlite") -> None:
    url = scratch_database(kind)
    bench_app(url)
    session = db.session
    seed_demo(session)
    session.commit()
    admin = session.query(User).filter_by(username="admin").one()
    villages = [a.code for a in session.query(Area).filter(Area.level == "thôn")]
    header = ["ma_ho", "ten_chu_ho", "dan_toc", "ma_thon", "so_thanh_vien", "dia_chi", "tinh_trang_2024"]
    rows = [[f"B{i:06d}", f"Đinh Văn Ằm {i}", "Xơ Đăng", villages[i % len(villages)], 1 + i % 9, "", "nghèo"]
            for i in range(ROWS)]
    csv_data = (",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    xlsx_data = buffer.getvalue()

    results: dict[str, float] = {}
    village_ids = dict(session.query(Area.code, Area.id))
    with timed("baseline: plain INSERT of 20.000 rows", results):
        session.execute(text("INSERT INTO household (code, head_name, ethnic_group_code, village_id, members, address,"
                             " created_at, updated_at) VALUES (:c, :n, 'xo_dang', :v, :m, '', CURRENT_TIMESTAMP,"
                             " CURRENT_TIMESTAMP)"),
                        [{"c": f"Z{r[0]}", "n": r[1], "v": village_ids[r[3]], "m": r[4]} for r in rows])
        session.commit()
    with timed("import CSV (validate all rows, insert, statuses, audit)", results):
        import_households(session, admin, "ho.csv", csv_data)
        session.commit()
    session.execute(text("DELETE FROM household_status"))
    session.execute(text("DELETE FROM household WHERE code LIKE 'B%'"))
    session.commit()
    with timed("import XLSX (same rows)", results):
        import_households(session, admin, "ho.xlsx", xlsx_data)
        session.commit()
    base = results["baseline: plain INSERT of 20.000 rows"]
    print(f"Household import, {ROWS:,} rows, {kind}".replace(f"{ROWS:,}", f"{ROWS:,}".replace(",", ".")))
    for label, seconds in results.items():
        print(f"  {label:58s} {seconds:6.2f} s  ({seconds / base:4.1f}× baseline)")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["sqlite"]))
