"""The review queue on 200.000 submissions (100.000 households in two rounds): time to the first page of a
filtered queue, against a plain SQL select of the same page (same columns, joins, filters and order, village ids
written out) in the same run.

    .venv/bin/python bench/review_queue.py [sqlite|postgresql]

Each figure is the median of 7 runs after one warm-up: "trang" is the page query of `queue_page`, "SQL thuần" the
plain select of the same 50 rows (the ratio compares these two), "đếm" the capped count, "HTTP" the whole
GET /review/?... as that user (session, filters, page query, count, template).
"""
from __future__ import annotations

import random
import re
import statistics
import sys
import time
import uuid as uuid_module
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from bench.common import bench_app, scratch_database
from survey_app.auth import service as account_service
from survey_app.core.clock import utc_now
from survey_app.demo.seed import seed_demo
from survey_app.extensions import db
from survey_app.models import Area, Household, Submission, SurveyRound, User
from survey_app.review.queue import capped_count, parse_filters, queue_page, queue_statement
from survey_app.surveys.rounds import create_round

HOUSEHOLDS = 100_000
ROUNDS = ("RS2023", "RS2024")
STATES = ["submitted"] * 40 + ["edited"] * 10 + ["has_issues"] * 10 + ["approved"] * 35 + ["rejected"] * 5
FLAGS = [{"code": "fast_completion", "message": "Phỏng vấn 60 câu trả lời trong 3 phút"}]
RUNS = 7
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def answers_for(rng: random.Random) -> dict:
    """About 1 KB of answers, the size class of a real household (the queue never reads them)."""
    return {"ngay_khao_sat": "2024-05-10", "nguoi_tra_loi": "Đinh Văn Ằm", "khu_vuc": "nong_thon",
            "dan_toc_chu_ho": "xo_dang", "tinh_trang_dau_nam": "ngheo", "so_thanh_vien": rng.randint(1, 9),
            "thanh_vien": [{"ho_ten": f"Thành viên {i}", "tuoi": rng.randint(1, 80), "gioi_tinh": "nam",
                            "quan_he": "con", "bhyt": "co"} for i in range(4)],
            "thu_nhap_binh_quan_thang": rng.randrange(500_000, 3_000_000, 10_000),
            "hinh_thuc_tuyen_truyen": ["hop_thon", "den_nha"], "ky_thuat_ap_dung": ["tiem_phong", "phan_bon"],
            "tai_san": ["ti_vi", "xe_may"], "loai_nha": "ban_kien_co", "dien_tich_nha": 36.5}


def build(session) -> dict:
    account_service.HASH_METHOD = "pbkdf2:sha256:1000"  # accounts are not what is measured
    seed_demo(session, households_per_focus_village=1)
    rs2024 = session.scalar(select(SurveyRound).where(SurveyRound.code == "RS2024"))
    create_round(session, None, "RS2023", "Rà soát 2023", rs2024.questionnaire_version, date(2023, 1, 1),
                 date(2023, 12, 31), ["KT"], "ra_soat", actor="bench")
    villages = list(session.scalars(select(Area).where(Area.level == "thôn").order_by(Area.path)))
    enumerators = {}
    for village in villages:
        commune = village.parent
        if commune.code not in enumerators:
            username = "dtv_" + commune.code.lower().replace("-", "_")
            enumerators[commune.code] = account_service.create_user(
                session, username=username, password="matkhau123", role="enumerator", area_codes=[commune.code],
                full_name=f"Điều tra viên {commune.name}", actor_name="bench")
    account_service.create_user(session, username="gs_huyen", password="matkhau123", role="supervisor",
                                area_codes=["KT-KPL"], full_name="Giám sát huyện Kon Plông", actor_name="bench")
    session.commit()
    rng = random.Random(7)
    session.execute(insert(Household.__table__), [
        {"code": f"B{i:06d}", "head_name": f"Đinh Văn Ằm {i}", "ethnic_group_code": "xo_dang",
         "village_id": villages[i % len(villages)].id, "members": 1 + i % 9, "address": "",
         "created_at": utc_now(), "updated_at": utc_now()}
        for i in range(HOUSEHOLDS)])
    session.commit()
    households = session.execute(select(Household.id, Household.village_id).where(Household.code.like("B%"))).all()
    commune_of = {v.id: v.parent.code for v in villages}
    qv_id = rs2024.questionnaire_version_id
    for code in ROUNDS:
        round_id = session.scalar(select(SurveyRound.id).where(SurveyRound.code == code))
        year = int(code[2:])
        batch = []
        for household_id, village_id in households:
            submitted = datetime(year, 3, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(0, 300_000))
            batch.append({
                "uuid": str(uuid_module.UUID(int=rng.getrandbits(128))), "round_id": round_id,
                "household_id": household_id, "questionnaire_version_id": qv_id, "village_id": village_id,
                "enumerator_id": enumerators[commune_of[village_id]].id, "state": rng.choice(STATES),
                "is_current": True, "answers": answers_for(rng), "answers_hash": f"{rng.getrandbits(128):032x}",
                "version_number": 1, "flags": FLAGS if rng.random() < 0.05 else [], "source": "api",
                "started_at": submitted - timedelta(minutes=40), "finished_at": submitted,
                "submitted_at": submitted, "created_at": submitted, "updated_at": submitted})
            if len(batch) == 10_000:
                session.execute(insert(Submission.__table__), batch)
                batch = []
        if batch:
            session.execute(insert(Submission.__table__), batch)
        session.commit()
    session.execute(text("ANALYZE"))  # planner statistics, as a maintained database has them
    session.commit()
    return {"villages": villages}


def median_seconds(action) -> float:
    action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_sql(session, user: User, filters) -> tuple[str, dict]:
    """The same page as one hand-written SELECT with the user's village ids written out."""
    villages = [row for row in session.scalars(select(Area.id).where(
        Area.path.startswith((filters.area or user.areas[0]).path)))]
    states = filters.states()
    params = {f"s{i}": s for i, s in enumerate(states)}
    where = [f"s.village_id IN ({','.join(str(v) for v in villages)})",
             f"s.state IN ({','.join(':' + k for k in params)})"]
    if filters.survey_round is not None:
        where.append("s.round_id = :round_id")
        params["round_id"] = filters.survey_round.id
    if filters.enumerator is not None:
        where.append("s.enumerator_id = :enumerator_id")
        params["enumerator_id"] = filters.enumerator.id
    if filters.flag == "any":
        json_length = "jsonb_array_length" if session.get_bind().dialect.name == "postgresql" else "json_array_length"
        where.append(f"{json_length}(s.flags) > 0")
    direction = "ASC" if filters.sort == "old" else "DESC"
    sql = ("SELECT s.id, s.uuid, s.state, s.submitted_at, s.flags, s.version_number, s.is_current, s.round_id, "
           "h.code, h.head_name, v.name, u.username, u.full_name FROM submission s "
           "JOIN household h ON h.id = s.household_id JOIN area v ON v.id = s.village_id "
           "LEFT JOIN user_account u ON u.id = s.enumerator_id WHERE " + " AND ".join(where) +
           f" ORDER BY s.submitted_at {direction}, s.id {direction} LIMIT 50")
    return sql, params


def logged_in_client(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = next(g for g in CSRF.search(page).groups() if g)
    response = client.post("/login", data={"username": username, "password": "matkhau123", "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def main(kind: str = "sqlite") -> None:
    url = scratch_database(kind)
    app = bench_app(url)
    session = db.session
    started = time.perf_counter()
    build(session)
    total = session.scalar(text("SELECT count(*) FROM submission"))
    print(f"{kind}: {total:,} submissions built in {time.perf_counter() - started:.0f} s".replace(",", "."))
    cases = [
        ("giamsat", {"round": "RS2024"}, "xã: cần duyệt (mặc định)"),
        ("giamsat", {"round": "RS2024", "state": "approved", "sort": "old"}, "xã: đã duyệt, cũ trước"),
        ("giamsat", {"round": "RS2024", "state": "all", "flag": "any"}, "xã: có cảnh báo"),
        ("gs_huyen", {"round": "RS2024", "state": "submitted"}, "huyện: đã gửi"),
        ("admin", {"round": "RS2024", "state": "has_issues"}, "tỉnh: bị trả lại"),
        ("admin", {"round": "RS2024", "enumerator": "dtv_kt_dgl_01"}, "tỉnh: một điều tra viên"),
    ]
    print(f"{'trường hợp':32} {'trang (ms)':>10} {'SQL thuần (ms)':>15} {'tỉ lệ':>6} {'đếm (ms)':>9} "
          f"{'HTTP (ms)':>10} {'tổng':>8}")
    for username, args, label in cases:
        session.rollback()
        user = session.scalar(select(User).where(User.username == username))
        filters = parse_filters(session, user, args)
        statement = queue_statement(session, user, filters).limit(50)
        page_time = median_seconds(lambda: session.execute(statement).all())
        count_time = median_seconds(lambda: capped_count(session, user, filters))
        sql, params = plain_sql(session, user, filters)
        plain_time = median_seconds(lambda: session.execute(text(sql), params).all())
        page = queue_page(session, user, filters, 1, 50)
        plain_rows = session.execute(text(sql), params).all()
        assert [r.uuid for r in page.rows] == [r[1] for r in plain_rows], "the plain select differs"
        client = logged_in_client(app, username)
        query = "&".join(f"{k}={v}" for k, v in args.items())
        http_time = median_seconds(lambda: client.get(f"/review/?{query}"))
        total_text = f"{'>' if page.capped else ''}{page.total}"
        print(f"{label:32} {page_time * 1000:10.1f} {plain_time * 1000:15.1f} {page_time / plain_time:6.1f} "
              f"{count_time * 1000:9.1f} {http_time * 1000:10.1f} {total_text:>8}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
