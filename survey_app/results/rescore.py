"""Rescoring a whole round after its ruleset or parameters change, in the caller's single transaction.

The ruleset is compiled once; submissions are read in id-ordered pages (bounded memory), scored, and their
results replaced with one DELETE and bulk inserts instead of one UPDATE per row: COPY on PostgreSQL, executemany
on SQLite. On PostgreSQL only the answers the ruleset reads leave the server (a jsonb projection), which cuts the
transfer and JSON decoding several times. Nothing is visible to other sessions until the caller commits, and an
error rolls everything back, so reports never see a half-rescored round.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy import Text, cast, delete, func, insert, literal, select, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from survey_app.core.clock import utc_now
from survey_app.models import Household, HouseholdResult, HouseholdStatus, Submission, SurveyRound, User, record
from survey_app.reports.summary import refresh_results

from .store import RoundScorer, household_record, scorers_for, status_years

PAGE = 5000
PARALLEL_FROM = 20_000  # below this many submissions, starting worker processes costs more than it saves


@dataclass
class RescoreReport:
    round_code: str
    rows: int = 0
    seconds: float = 0.0
    versions: list[str] = field(default_factory=list)  # "ruleset_id version" per ruleset rescored

    @property
    def summary(self) -> str:
        return (f"Chấm lại đợt {self.round_code}: {self.rows} kết quả theo bộ quy tắc "
                f"{', '.join(self.versions) or '(chưa gán bộ quy tắc)'}")


def rescore_round(session: Session, survey_round: SurveyRound, *, user: User | None = None,
                  actor: str | None = "cli", ruleset_id: str | None = None) -> RescoreReport:
    """Recompute every stored result of the round (all its rulesets, or only `ruleset_id`). Flushes, never
    commits. Writes one audit row naming the ruleset versions that produced the results."""
    started = time.perf_counter()
    report = RescoreReport(survey_round.code)
    session.flush()
    scorers = [s for s in scorers_for(session, survey_round) if ruleset_id in (None, s.link.ruleset_id)]
    records = _household_records(session, survey_round)
    for scorer in scorers:
        report.rows += _rescore_one(session, survey_round, scorer, records)
        report.versions.append(f"{scorer.version.ruleset_id} {scorer.version.version}")
    refresh_results(session, [scorer.link.id for scorer in scorers])
    report.seconds = time.perf_counter() - started
    record(session, user=user, actor=None if user else actor, action="scoring.rescore",
           entity_type="survey_round", entity_id=survey_round.id, summary=report.summary,
           after={"rows": report.rows, "ruleset_versions": [
               {"ruleset_id": s.version.ruleset_id, "version": s.version.version, "id": s.version.id,
                "content_hash": s.version.content_hash, "parameters": s.parameters} for s in scorers]})
    return report


def _household_records(session: Session, survey_round: SurveyRound) -> dict[int, dict]:
    """Register attributes of every household with a submission in the round, in two queries."""
    in_round = select(Submission.household_id).where(Submission.round_id == survey_round.id).scalar_subquery()
    start_year, end_year = status_years(survey_round)
    statuses: dict[int, dict[int, str]] = {}
    for household_id, year, status in session.execute(
            select(HouseholdStatus.household_id, HouseholdStatus.year, HouseholdStatus.status)
            .where(HouseholdStatus.year.in_((start_year, end_year)), HouseholdStatus.household_id.in_(in_round))):
        statuses.setdefault(household_id, {})[year] = status
    records = {}
    for row in session.execute(select(Household.id, Household.code, Household.ethnic_group_code, Household.members)
                               .where(Household.id.in_(in_round))):
        records[row.id] = household_record(row, survey_round, statuses.get(row.id, {}))
    return records


def _rescore_one(session: Session, survey_round: SurveyRound, scorer: RoundScorer, records: dict[int, dict]) -> int:
    table = HouseholdResult.__table__
    session.execute(delete(table).where(table.c.round_ruleset_id == scorer.link.id))
    postgresql = session.get_bind().dialect.name == "postgresql"
    # Answers travel as JSON text and are decoded where they are scored (in the workers, when there are any).
    answers = (cast(_projected_answers(session, survey_round, scorer), Text) if postgresql
               else type_coerce(Submission.answers, Text))
    now = utc_now()
    pages = _pages(session, survey_round, answers, records)
    workers = _worker_count(session, survey_round)
    written = 0
    if workers > 1:
        global _WORKER_SCORER
        _WORKER_SCORER = scorer  # inherited by the forked workers: the compiled ruleset is not pickled
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                in_flight: deque = deque()
                for page in pages:  # at most two pages per worker in flight: bounded memory, reading overlaps
                    in_flight.append(pool.submit(_score_page, (page, now)))
                    if len(in_flight) >= 2 * workers:
                        written += _write(session, table, in_flight.popleft().result(), postgresql)
                while in_flight:
                    written += _write(session, table, in_flight.popleft().result(), postgresql)
        finally:
            _WORKER_SCORER = None
        return written
    for page in pages:
        written += _write(session, table, _score_page((page, now), scorer), postgresql)
    return written


_WORKER_SCORER: RoundScorer | None = None


def _worker_count(session: Session, survey_round: SurveyRound) -> int:
    """Worker processes for scoring: one per CPU on large rounds where fork is available, else none."""
    cpus = os.cpu_count() or 1
    if cpus < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    count = session.scalar(select(func.count(Submission.id)).where(Submission.round_id == survey_round.id))
    return cpus if count >= PARALLEL_FROM else 1


def _pages(session: Session, survey_round: SurveyRound, answers, records: dict[int, dict]):
    """Pages of plain tuples (id, household, village, state, current, answers as JSON text, register record)."""
    last_id = 0
    while True:
        page = session.execute(
            select(Submission.id, Submission.household_id, Submission.village_id, Submission.state,
                   Submission.is_current, answers.label("answers"))
            .where(Submission.round_id == survey_round.id, Submission.state != "draft", Submission.id > last_id)
            .order_by(Submission.id).limit(PAGE)).all()
        if not page:
            return
        yield [(s.id, s.household_id, s.village_id, s.state, bool(s.is_current), s.answers,
                records[s.household_id]) for s in page]
        last_id = page[-1].id


def _score_page(task, scorer: RoundScorer | None = None) -> list[dict]:
    page, now = task
    scorer = scorer or _WORKER_SCORER
    return [scorer.row(submission_id=sid, household_id=hid, village_id=vid, state=state, is_current=current,
                       answers=json.loads(answers) if answers else {}, record=record, now=now)
            for sid, hid, vid, state, current, answers, record in page]


def _write(session: Session, table, rows: list[dict], postgresql: bool) -> int:
    if rows:
        if postgresql:
            _copy_rows(session, rows)
        else:
            session.execute(insert(table), rows)
    return len(rows)


def _projected_answers(session: Session, survey_round: SurveyRound, scorer: RoundScorer):
    """`answers` reduced on the server to the keys the ruleset reads (plus the repeats, when it reads a repeat's
    column): a correlated jsonb_each / jsonb_object_agg."""
    from survey_app.surveys.versions import get_definition

    definition = get_definition(survey_round.questionnaire_version)
    keys = set(scorer.read_names)
    keys.update(q.repeat for name in scorer.read_names
                if (q := definition.questions.get(name)) is not None and q.repeat is not None)
    each = func.jsonb_each(Submission.answers).table_valued("key", "value").alias("each_answer")
    aggregated = func.coalesce(func.jsonb_object_agg(each.c.key, each.c.value), literal({}, JSONB))
    return type_coerce(select(aggregated).where(each.c.key.in_(sorted(keys))).scalar_subquery(), JSONB)


COPY_COLUMNS = ("round_ruleset_id", "round_id", "submission_id", "household_id", "village_id", "ethnic_group_code",
                "state", "is_current", "in_population", "population_mask", "met_mask", "ruleset_version_id", "result",
                "scored_at")


def _copy_rows(session: Session, rows: list[dict]) -> None:
    """COPY into household_result on the session's own connection (same transaction)."""
    cursor = session.connection().connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY household_result ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False, separators=(",", ":")) if c == "result"
                                else row[c] for c in COPY_COLUMNS])
    finally:
        cursor.close()
