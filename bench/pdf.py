"""Printing benchmark: one household profile sheet, and a village booklet of 150 households, each against plain
WeasyPrint rendering the same HTML with no application around it, in the same run.

    .venv/bin/python bench/pdf.py [sqlite|postgresql]

- sheet: GET /households/<code>/sheet.pdf through the Flask test client (login session, access check, database
  reads, Jinja, the static-only fetcher, WeasyPrint), median of 5, against ``weasyprint.HTML(string=...)
  .write_pdf()`` of the same HTML with its stylesheet inlined and file: URLs (WeasyPrint's default fetcher).
- booklet: the real background path: a job row, the detached worker process (``python -m
  survey_app.jobs.worker``), a process pool of one process per core, pdfunite; timed from the launch until the
  job row says done. The baseline renders the same 151 documents (cover + sheets) one after the other in one
  process. CPU seconds of the worker and its pool over wall seconds show how many cores were busy.
"""
from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import weasyprint
from sqlalchemy import func, select, update

from bench.common import bench_app, scratch_database
from survey_app.auth.service import create_user
from survey_app.core.clock import vietnam_today
from survey_app.demo.generate import generate
from survey_app.extensions import db
from survey_app.jobs.service import create_job, launch_worker
from survey_app.models import Area, Household, HouseholdResult, Job, Submission, User
from survey_app.printing import STATIC_ROOT, make_print_environment
from survey_app.printing.booklet import COVER_TEMPLATE, SHEET_TEMPLATE, booklet_households, cover_context
from survey_app.printing.render import render_template_html
from survey_app.printing.sheet import sheet_context

BOOKLET_HOUSEHOLDS = 150
SHEET_RUNS = 5
STYLESHEET_LINK = '<link rel="stylesheet" href="/static/css/print.css">'


def plain_html(html: str) -> str:
    """The same document for WeasyPrint alone: stylesheet inlined, /static/ URLs as file: URLs."""
    css = (STATIC_ROOT / "css" / "print.css").read_text(encoding="utf-8")
    static_url = STATIC_ROOT.as_uri() + "/"
    inlined = html.replace(STYLESHEET_LINK, f"<style>{css}</style>")
    assert inlined != html, "the print template no longer links print.css as expected"
    return inlined.replace('"/static/', f'"{static_url}')


def plain_weasyprint(html: str) -> bytes:
    return weasyprint.HTML(string=html, base_url=STATIC_ROOT.as_uri() + "/").write_pdf()


def one_village_of(session, count: int) -> Area:
    """Move `count` generated households (and their submissions and results) into one village."""
    village = session.scalar(select(Area).where(Area.level == "thôn").order_by(Area.code).limit(1))
    ids = list(session.scalars(select(Household.id).order_by(Household.id).limit(count)))
    session.execute(update(Household).where(Household.id.in_(ids)).values(village_id=village.id))
    session.execute(update(Submission).where(Submission.household_id.in_(ids)).values(village_id=village.id))
    session.execute(update(HouseholdResult).where(HouseholdResult.household_id.in_(ids)).values(village_id=village.id))
    session.commit()
    return village


def login(client, username: str) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"', page)
    value = next(g for g in token.groups() if g)
    response = client.post("/login", data={"username": username, "password": "benchmark-pass", "csrf_token": value})
    assert response.status_code == 302, response.status_code


def bench_sheet(app, session, household_id: int, code: str) -> tuple[float, float]:
    client = app.test_client()
    login(client, "bench_admin")
    url = f"/households/{code}/sheet.pdf"
    assert client.get(url).status_code == 200  # warm-up: template compile, font parsing caches
    app_times = []
    for _ in range(SHEET_RUNS):
        start = time.perf_counter()
        response = client.get(url)
        app_times.append(time.perf_counter() - start)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    household = session.get(Household, household_id)  # the requests removed the scoped session
    html = plain_html(render_template_html(app.jinja_env, SHEET_TEMPLATE, sheet_context(session, household)))
    plain_weasyprint(html)
    plain_times = []
    for _ in range(SHEET_RUNS):
        start = time.perf_counter()
        plain_weasyprint(html)
        plain_times.append(time.perf_counter() - start)
    return statistics.median(app_times), statistics.median(plain_times)


def bench_booklet(app, session, village_id: int, user_id: int) -> tuple[float, float, float, int]:
    village, user = session.get(Area, village_id), session.get(User, user_id)
    jobs_dir = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    job = create_job(session, kind="village_booklet", title="bench", user=user, area=village,
                     params={"village": village.code, "households": None, "round": None}, output_dir=jobs_dir)
    session.commit()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = launch_worker(job.id, app.config["DATABASE_URL"], jobs_dir)
    while True:
        session.expire_all()
        state = session.get(Job, job.id).state
        if state in ("done", "failed"):
            break
        time.sleep(0.05)
    wall = time.perf_counter() - start
    process.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    job = session.get(Job, job.id)
    assert job.state == "done", job.message
    size = Path(job.output_path).stat().st_size

    env = make_print_environment()
    today = vietnam_today()
    households = booklet_households(session, village, None)
    contexts = [sheet_context(session, h, today=today) for h in households]
    documents = [render_template_html(env, COVER_TEMPLATE, cover_context(
        village, [c["summary"] for c in contexts], None, today, selection=False))]
    documents += [render_template_html(env, SHEET_TEMPLATE, c) for c in contexts]
    documents = [plain_html(d) for d in documents]
    start = time.perf_counter()
    for html in documents:
        plain_weasyprint(html)
    plain = time.perf_counter() - start
    return wall, plain, cpu, size


def main(kind: str = "sqlite") -> None:
    url = scratch_database(kind)
    app = bench_app(url)
    session = db.session
    generate(session, households=600, seed=11)
    user = create_user(session, username="bench_admin", password="benchmark-pass", role="admin", area_codes=["KT"],
                       full_name="Quản trị", actor_name="bench")
    session.commit()
    village = one_village_of(session, BOOKLET_HOUSEHOLDS)
    count = session.scalar(select(func.count()).select_from(Household).where(Household.village_id == village.id))
    household = session.scalar(select(Household).join(Submission, Submission.household_id == Household.id)
                               .where(Household.village_id == village.id).limit(1))
    print(f"database: {kind}; cores: {os.cpu_count()}; village {village.code} with {count} households")

    ids = (village.id, user.id, household.id, household.code)
    app_sheet, plain_sheet = bench_sheet(app, session, ids[2], ids[3])
    print(f"profile sheet  app {app_sheet * 1000:7.0f} ms   plain WeasyPrint {plain_sheet * 1000:7.0f} ms   "
          f"ratio {app_sheet / plain_sheet:5.2f}")
    wall, plain, cpu, size = bench_booklet(app, session, ids[0], ids[1])
    print(f"booklet ({count} households + cover)  app (background job) {wall:6.1f} s   plain WeasyPrint, "
          f"one process {plain:6.1f} s   ratio {wall / plain:5.2f}   worker CPU {cpu:6.1f} s "
          f"= {cpu / wall:4.2f} cores busy   PDF {size / 1e6:5.1f} MB")


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["sqlite"]))
