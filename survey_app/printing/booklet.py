"""Village booklet (tập hồ sơ hộ của thôn): a cover page with a summary table, then every household's profile
sheet starting on a new page, in one PDF. Run by the background worker (survey_app/jobs), never in a request.

Each sheet is its own WeasyPrint document, so its footer counts its own pages ("Trang 1/6" of that household,
which is what a detachable, signed sheet needs). The main worker process reads the database and builds each
sheet's HTML; a process pool of this job's share of the cores (``jobs.queue.processes_per_job``: the queue runs
``JOB_WORKERS`` jobs at once) turns HTML into PDF (the expensive part); the parts are joined with ``pdfunite``
(poppler-utils). With a share of one core, or without ``pdfunite``, the sheets are laid out one after the other
in the worker and joined as WeasyPrint pages: the same booklet, on one core.
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import weasyprint
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.core.clock import vietnam_today
from survey_app.jobs.kinds import JobFailure
from survey_app.jobs.queue import processes_per_job
from survey_app.models import Area, Household, Job
from survey_app.printing import STATIC_ROOT, StaticOnlyURLFetcher, make_print_environment, render_pdf
from survey_app.printing.render import DEFAULT_BASE_URL, render_template_html

from .sheet import UnknownRound, sheet_context, village_letterhead

SHEET_TEMPLATE = "print/household_sheet.html"
COVER_TEMPLATE = "print/booklet_cover.html"


def booklet_households(session: Session, village: Area, codes: list[str] | None) -> list[Household]:
    """The village's households in code order; only those in ``codes`` when a selection is given."""
    stmt = select(Household).where(Household.village_id == village.id).order_by(Household.code)
    if codes:
        stmt = stmt.where(Household.code.in_(codes))
    return list(session.scalars(stmt))


def cover_context(village: Area, rows: list[dict[str, str]], round_name: str | None, today: dt.date,
                  selection: bool) -> dict[str, Any]:
    letterhead = village_letterhead(village)  # its issuer: the village, told apart from its namesakes
    return {
        "document_title": f"Tập hồ sơ hộ — {letterhead['issuer']}",
        "running_id": f"Tập hồ sơ hộ: {letterhead['issuer']}",
        **letterhead,
        "today": today,
        "village_name": letterhead["issuer"],
        "area_line": ", ".join(a.display_name for a in _chain(village)),
        "round_name": round_name,
        "selection": selection,
        "rows": [[str(index), row["code"], row["head_name"], row["status"], row["state"], row["outcomes"]]
                 for index, row in enumerate(rows, start=1)],
        "count": len(rows),
    }


def _chain(area: Area | None) -> list[Area]:
    chain = []
    while area is not None:
        chain.append(area)
        area = area.parent
    return chain


def html_to_pdf(html: str) -> bytes:
    """Pool task: one document to PDF bytes through the static-only fetcher (module level: picklable)."""
    return render_pdf(html, static_root=STATIC_ROOT)


def pool_size() -> int:
    """This job's share of the cores: the queue runs ``JOB_WORKERS`` jobs at once (jobs/queue.py)."""
    return processes_per_job()


def build_booklet(session: Session, village: Area, *, codes: list[str] | None = None, round_code: str | None = None,
                  output_path: Path, progress=None, today: dt.date | None = None,
                  processes: int | None = None) -> Path:
    """Write the booklet PDF to ``output_path`` and return it. ``progress`` (optional) gets ``start(total)`` and
    one ``advance()`` per household rendered. Raises ``JobFailure`` with a Vietnamese message."""
    today = today or vietnam_today()
    households = booklet_households(session, village, codes)
    if not households:
        raise JobFailure("Không có hộ nào để in trong thôn đã chọn.")
    if progress is not None:
        progress.start(len(households))
    env = make_print_environment()
    sheets: list[str] = []
    summary: list[dict[str, str]] = []
    round_name = None
    try:
        for household in households:
            context = sheet_context(session, household, round_code=round_code, today=today)
            round_name = round_name or (context["round_name"] if round_code else None)
            sheets.append(render_template_html(env, SHEET_TEMPLATE, context))
            summary.append(context["summary"])
    except UnknownRound:
        raise JobFailure(f"Không có đợt khảo sát mã '{round_code}'.") from None
    cover = render_template_html(env, COVER_TEMPLATE,
                                 cover_context(village, summary, round_name, today, selection=bool(codes)))
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    processes = processes or pool_size()
    if processes > 1 and shutil.which("pdfunite"):
        _render_parallel(cover, sheets, output_path, progress, processes)
    else:
        _render_in_process(cover, sheets, output_path, progress)
    return output_path


def _render_parallel(cover: str, sheets: list[str], output_path: Path, progress, processes: int) -> None:
    with tempfile.TemporaryDirectory(prefix="booklet-", dir=output_path.parent) as folder:
        parts = [Path(folder) / f"{index:05d}.pdf" for index in range(len(sheets) + 1)]
        context = multiprocessing.get_context("spawn")  # the worker has threads: a fork could copy a held lock
        with concurrent.futures.ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            futures = {pool.submit(html_to_pdf, html): index for index, html in enumerate([cover] + sheets)}
            for future in concurrent.futures.as_completed(futures):
                index = futures[future]
                parts[index].write_bytes(future.result())
                if index and progress is not None:
                    progress.advance()
        partial = output_path.with_suffix(".part.pdf")
        result = subprocess.run(["pdfunite", *map(str, parts), str(partial)], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"pdfunite failed: {result.stderr.strip()[:500]}")
        os.replace(partial, output_path)


def _render_in_process(cover: str, sheets: list[str], output_path: Path, progress) -> None:
    fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
    documents = [weasyprint.HTML(string=cover, base_url=DEFAULT_BASE_URL, url_fetcher=fetcher).render()]
    for html in sheets:
        documents.append(weasyprint.HTML(string=html, base_url=DEFAULT_BASE_URL, url_fetcher=fetcher).render())
        if progress is not None:
            progress.advance()
    pages = [page for document in documents for page in document.pages]
    partial = output_path.with_suffix(".part.pdf")
    documents[0].copy(pages).write_pdf(partial)
    os.replace(partial, output_path)


def run_booklet_job(session: Session, job: Job, progress) -> tuple[Path, str]:
    """The ``village_booklet`` job kind: params ``{"village": code, "households": [codes] | null,
    "round": code | null}``."""
    params = job.params or {}
    village = session.scalar(select(Area).where(Area.code == params.get("village", "")))
    if village is None:
        raise JobFailure("Không tìm thấy thôn cần in (có thể đã bị xoá hoặc đổi mã).")
    path = build_booklet(session, village, codes=params.get("households") or None, round_code=params.get("round"),
                         output_path=Path(job.output_path), progress=progress)
    return path, f"tap-ho-so-{village.code}.pdf"
