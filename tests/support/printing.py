"""Builders for the paper tests and the PDF bench: a round of the campaign questionnaire with both rulesets,
households with submitted (scored) answers. Holds no tests."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

from survey_app.models import Submission
from survey_app.results.rulesets import assign_ruleset, load_directory
from survey_app.submissions import SubmissionPayload, save_submission
from tests.support.surveys import complete_household_answers, make_round, new_uuid, store_campaign_form

ROOT = Path(__file__).resolve().parents[2]
RULESETS = ROOT / "forms" / "rulesets"
PRINT_DAY = date(2023, 2, 8)


def campaign_round(session, code: str = "R2024", areas=("P",)):
    """A round of forms/ho_gia_dinh.yaml scored by the campaign ruleset (primary) and the national standard."""
    qv = store_campaign_form(session)
    survey_round = make_round(session, qv, code, areas)
    versions = {load.version.ruleset_id: load.version for load in load_directory(session, RULESETS, actor="test")}
    assign_ruleset(session, survey_round, versions["cuoc_van_dong"], position=0, actor="test")
    assign_ruleset(session, survey_round, versions["chuan_ngheo_quoc_gia"], position=1, actor="test")
    session.flush()
    return survey_round


def submit_household(session, user, household, survey_round, answers: dict | None = None) -> Submission:
    """Save and submit answers for the household (as `user`); the lifecycle stores its scores."""
    outcome = save_submission(session, user, SubmissionPayload(
        uuid=new_uuid(), household_code=household.code, round_code=survey_round.code, form_version=None,
        answers=answers if answers is not None else complete_household_answers(), submit=True),
        today="2024-06-01")
    return outcome.submission


def pdf_text(pdf: bytes, tmp_path: Path, name: str = "doc", *, layout: bool = True) -> str:
    """The PDF's text as `pdftotext` extracts it (`-layout`: lines as printed)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def pdf_pages(pdf: bytes, tmp_path: Path, name: str = "doc") -> int:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def have_poppler() -> bool:
    return shutil.which("pdftotext") is not None and shutil.which("pdfinfo") is not None
