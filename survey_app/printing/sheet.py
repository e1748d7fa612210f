"""What a household profile sheet (hồ sơ hộ) prints: everything is gathered here, the template only lays it out.

Flask-free: the sheet route and the booklet worker call :func:`sheet_context` with a plain Session. Every value
is turned into display text here (choice labels instead of codes, numbers and dates the Vietnamese way), so the
template never formats, and field data reaches it only as text for autoescaping.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from survey_app.areas import area_label
from survey_app.core import formatting
from survey_app.core.answers import AppliedRow, answer_text, applied_sections
from survey_app.core.clock import local_date, vietnam_today
from survey_app.core.questionnaire import Definition, Question
from survey_app.core.scoring import MET, NOT_IN_POPULATION, Classification, ScoreResult, classification
from survey_app.errors import NotFound
from survey_app.models import (
    POVERTY_STATUS_LABELS,
    Area,
    Household,
    Submission,
    SurveyRound,
)
from survey_app.results.store import stored_results
from survey_app.submissions.queries import latest_comments
from survey_app.surveys.versions import get_definition

MEMBER_MAIN_COLUMNS = 4
MEMBER_COLUMN_WIDTHS = ("8%", "20%", "9%", "8%", "15%")  # STT, then the main columns; "other" takes the rest
"""A member table shows the first answerable questions of the repeat as columns; the others go to one
"other information" column, so that any questionnaire fits an A4 portrait page."""
SKIPPED_TYPES = ("note", "calculate")


class UnknownRound(NotFound):
    """The requested round code does not exist."""

    def __init__(self, round_code: str):
        super().__init__(f"Không có đợt khảo sát mã '{round_code}'.")
        self.round_code = round_code


def area_chain(area: Area | None) -> list[Area]:
    """The area and its ancestors, nearest first."""
    chain = []
    while area is not None:
        chain.append(area)
        area = area.parent
    return chain


def display_value(defn: Definition, question: Question, value: Any) -> str | None:
    """An answer as printed text; None when unanswered (the template prints a line to fill in by hand)."""
    return answer_text(value, question, defn, empty="") or None


@dataclass
class MemberTable:
    label: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @property
    def column_specs(self) -> list[dict[str, str]]:
        """Columns for the data_table macro: fixed widths so that names are not squeezed by long details."""
        specs = []
        for index, label in enumerate(self.columns):
            spec = {"label": label}
            if index < len(MEMBER_COLUMN_WIDTHS) and (label != "Thông tin khác"):
                spec["width"] = MEMBER_COLUMN_WIDTHS[index]
            if index == 0:
                spec["class"] = "center"
            specs.append(spec)
        return specs


@dataclass
class AnswerSection:
    label: str
    rows: list[tuple[str, str | None]] = field(default_factory=list)
    members: list[MemberTable] = field(default_factory=list)


def answer_sections(defn: Definition, answers: dict, today: str) -> list[AnswerSection]:
    """The sections that applied, with the questions that applied (repeats as member tables)."""
    sections = []
    for section, items in applied_sections(defn, answers, today):
        printed = AnswerSection(section.label)
        for item in items:
            question = item.question
            if question.type in SKIPPED_TYPES:
                continue
            if question.type == "repeat":
                printed.members.append(member_table(defn, question, item.rows))
            else:
                printed.rows.append((question.display_label, display_value(defn, question, item.value)))
        if printed.rows or printed.members:
            sections.append(printed)
    return sections


def member_table(defn: Definition, repeat: Question, rows: Sequence[AppliedRow]) -> MemberTable:
    children = [child for child in repeat.children if child.is_answerable]
    main, other = children[:MEMBER_MAIN_COLUMNS], children[MEMBER_MAIN_COLUMNS:]
    table = MemberTable(repeat.display_label, ["STT"] + [c.display_label for c in main]
                        + (["Thông tin khác"] if other else []))
    for row in rows:
        def shown(child: Question) -> str | None:
            if child.name not in row.applied:
                return None
            return display_value(defn, child, row.answers.get(child.name))

        cells = [formatting.format_int(row.index + 1)] + [shown(child) or "" for child in main]
        if other:
            details = [f"{child.display_label}: {text}" for child in other if (text := shown(child)) is not None]
            cells.append("; ".join(details))
        table.rows.append(cells)
    return table


def met_summary(score: ScoreResult) -> str:
    """One line for the history table: the outcomes met out of those the household was counted in."""
    counted = [o for o in score.outcomes if not o.internal and o.status != NOT_IN_POPULATION]
    met = [o.label for o in counted if o.status == MET]
    head = f"{formatting.format_int(len(met))}/{formatting.format_int(len(counted))} kết quả"
    return f"{head}: {'; '.join(met)}" if met else head


def pick_submission(session: Session, household: Household,
                    round_code: str | None) -> tuple[SurveyRound | None, Submission | None]:
    """The round asked for (``UnknownRound`` if no such code), else the latest round in which the household has a
    current submission; and that current submission (None if it has none there)."""
    if round_code:
        survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == round_code))
        if survey_round is None:
            raise UnknownRound(round_code)
        submission = session.scalar(select(Submission).where(
            Submission.round_id == survey_round.id, Submission.household_id == household.id,
            Submission.is_current.is_(True)))
        return survey_round, submission
    submission = session.scalar(
        select(Submission).join(SurveyRound, Submission.round_id == SurveyRound.id)
        .where(Submission.household_id == household.id, Submission.is_current.is_(True))
        .order_by(SurveyRound.period_end.desc(), SurveyRound.id.desc()).limit(1))
    return (submission.survey_round if submission else None), submission


def history(session: Session, household: Household) -> dict[str, list]:
    """Official statuses per year, and per round the review state and the primary ruleset's outcomes."""
    statuses = [(str(s.year), POVERTY_STATUS_LABELS.get(s.status, s.status)) for s in household.statuses]
    rounds = []
    submissions = session.scalars(
        select(Submission).join(SurveyRound, Submission.round_id == SurveyRound.id)
        .where(Submission.household_id == household.id, Submission.is_current.is_(True))
        .order_by(SurveyRound.period_start, SurveyRound.id))
    for submission in submissions:
        results = stored_results(session, submission.id)
        outcome_text = met_summary(results[0].score) if results else "Chưa có kết quả"
        survey_round = submission.survey_round
        rounds.append([survey_round.name, str(survey_round.year), submission.state_label, outcome_text])
    return {"statuses": statuses, "rounds": rounds}


def review_state(session: Session, submission: Submission | None) -> list[tuple[str, str | None]]:
    if submission is None:
        return [("Trạng thái phiếu", "Chưa khảo sát")]
    rows: list[tuple[str, str | None]] = [("Trạng thái phiếu", submission.state_label)]
    if submission.submitted_at:
        rows.append(("Ngày gửi", formatting.format_date_vn(local_date(submission.submitted_at))))
    enumerator = submission.enumerator
    rows.append(("Người khảo sát", (enumerator.full_name or enumerator.username) if enumerator else None))
    comment = latest_comments(session, [submission.id]).get(submission.id)
    if comment is not None:
        author = comment.author.full_name or comment.author.username if comment.author else "—"
        rows.append(("Ý kiến rà soát gần nhất",
                     f"{comment.body} ({author}, {formatting.format_date_vn(local_date(comment.created_at))})"))
    for flag in submission.flags or []:
        if isinstance(flag, dict) and flag.get("message"):
            rows.append(("Lưu ý", str(flag["message"])))
    return rows


def village_letterhead(village: Area) -> dict[str, str]:
    """The issuing body at the top of a village's documents (the commune's People's Committee, then the village)
    and the place written before the date."""
    commune = village.parent
    return {"issuer_parent": f"UBND {commune.display_name}" if commune is not None else "",
            "issuer": area_label(object_session(village), village, with_level=True), "place": commune.name if commune is not None else village.name}


def sheet_context(session: Session, household: Household, *, round_code: str | None = None,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The template context of ``print/household_sheet.html`` (raises ``UnknownRound``)."""
    today = today or vietnam_today()
    survey_round, submission = pick_submission(session, household, round_code)
    village = household.village
    chain = area_chain(village)
    sections: list[AnswerSection] = []
    results: list[Classification] = []
    if submission is not None:
        answered_on = submission.submitted_at or submission.updated_at or submission.created_at
        defn = get_definition(submission.questionnaire_version)
        sections = answer_sections(defn, submission.answers or {}, local_date(answered_on).isoformat())
        results = [classification(stored.version.title, stored.score)
                   for stored in stored_results(session, submission.id)]
    particulars = [
        ("Mã hộ", household.code),
        ("Họ và tên chủ hộ", household.head_name),
        ("Dân tộc", household.ethnic_group.name if household.ethnic_group else household.ethnic_group_code),
        ("Số nhân khẩu (sổ hộ)", formatting.format_int(household.members)),
        ("Địa chỉ", household.address or None),
        ("Địa bàn", ", ".join(area.display_name for area in chain)),
        ("Đợt khảo sát", f"{survey_round.name} ({survey_round.code})" if survey_round else "Chưa có đợt khảo sát"),
    ]
    enumerator = submission.enumerator if submission is not None else None
    return {
        "document_title": f"Hồ sơ hộ {household.code} — {household.head_name}",
        "running_id": f"Mã hộ: {household.code}",
        **village_letterhead(village),
        "today": today,
        "household": {"code": household.code, "head_name": household.head_name},
        "round_name": survey_round.name if survey_round else None,
        "particulars": particulars,
        "has_submission": submission is not None,
        "sections": sections,
        "results": results,
        "history": history(session, household),
        "review": review_state(session, submission),
        "signatures": [
            {"title": "Chủ hộ", "name": household.head_name},
            {"title": "Người khảo sát", "name": (enumerator.full_name or enumerator.username) if enumerator else ""},
            {"title": "Trưởng thôn"},
            {"title": "Xác nhận của UBND xã", "hint": "(Ký tên, đóng dấu)"},
        ],
        "summary": summary_row(household, survey_round, submission, results),
    }


def summary_row(household: Household, survey_round: SurveyRound | None, submission: Submission | None,
                results: list[Classification]) -> dict[str, str]:
    """The household's line in a booklet's summary table."""
    status_year = survey_round.year if survey_round else None
    status = household.status_for(status_year) if status_year else (
        household.statuses[-1].status if household.statuses else None)
    met = counted = 0
    if results:
        counted = sum(1 for line in results[0].outcomes if line.status != NOT_IN_POPULATION)
        met = sum(1 for line in results[0].outcomes if line.status == MET)
    return {
        "code": household.code,
        "head_name": household.head_name,
        "status": POVERTY_STATUS_LABELS.get(status, "—") if status else "—",
        "state": submission.state_label if submission is not None else "Chưa khảo sát",
        "outcomes": f"{formatting.format_int(met)}/{formatting.format_int(counted)}" if results else "—",
    }
