"""Builders for the paper tests and the PDF bench: a round of the campaign questionnaire with both rulesets,
households with submitted (scored) answers. Holds no tests."""
from __future__ import annotations

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
