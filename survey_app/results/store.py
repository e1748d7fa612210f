"""Scores stored when a submission arrives or changes state; the counting rule the reports apply.

`store_score(session, submission)` is what the submission lifecycle (survey_app/submissions/lifecycle.py) runs
after a submission's answers change (idempotent; one score per ruleset of the round, about 0,2 ms each); drafts
have no stored result. State changes that do not touch answers run the cheaper `sync_states`.

A household's poverty status "at the start" of a round is the official status recognised by the commune's review
of the year before the round's period starts (the review closes on 14 December and sets the next year's list);
"at the end" is the review of the period's last year. Where the register has no status, the ruleset's
`household_fallback` takes the questionnaire's answer.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, inspect, select, update
from sqlalchemy.orm import Session

from survey_app.core.clock import utc_now
from survey_app.core.scoring import ScoreResult, resolve_parameters, score
from survey_app.models import (
    Household,
    HouseholdResult,
    HouseholdStatus,
    RoundRuleset,
    RulesetVersion,
    Submission,
    SurveyRound,
)

from .codec import decode, encode
from .rulesets import get_ruleset


def status_years(survey_round: SurveyRound) -> tuple[int, int]:
    """(year of the status at the start, year of the status at the end) of the round's period."""
    return survey_round.period_start.year - 1, survey_round.period_end.year


def household_record(household: Household, survey_round: SurveyRound,
                     statuses: dict[int, str] | None = None) -> dict[str, Any]:
    """The register attributes a ruleset reads as `${household.*}`."""
    if statuses is None:
        statuses = {s.year: s.status for s in household.statuses}
    start_year, end_year = status_years(survey_round)
    return {"code": household.code, "ethnic_group": household.ethnic_group_code, "members": household.members,
            "status_start": statuses.get(start_year), "status_end": statuses.get(end_year)}


def reference_date(survey_round: SurveyRound) -> date:
    """Parameters dated by period are taken at the round's period end (the thresholds of its own year)."""
    return survey_round.period_end


_PARAMETERS: dict[tuple, dict] = {}  # resolved parameters per (ruleset version, content, day), once per process


class RoundScorer:
    """Everything needed to score submissions of one round by one of its rulesets, prepared once."""

    def __init__(self, survey_round: SurveyRound, link: RoundRuleset, version: RulesetVersion):
        self.survey_round = survey_round
        self.link = link
        self.version = version
        self.ruleset = get_ruleset(version)
        self.day = reference_date(survey_round)
        self.today = self.day.isoformat()
        key = (version.id, version.content_hash, self.day)
        if key not in _PARAMETERS:
            _PARAMETERS[key] = resolve_parameters(self.ruleset, self.day)
        self.parameters = _PARAMETERS[key]
        self.read_names = frozenset(self.ruleset.answer_names)

    def inputs(self, answers: dict) -> dict:
        """The part of `answers` the ruleset can read: its question names and the repeats (whose columns it may
        aggregate). The engine looks at nothing else, so the result is the same, but it no longer scans every
        answer for repeat columns (about a third of the scoring time on full questionnaires)."""
        names = self.read_names
        return {key: value for key, value in answers.items()
                if key in names or (type(value) is list and value and type(value[0]) is dict)}

    def row(self, *, submission_id: int, household_id: int, village_id: int, state: str, is_current: bool,
            answers: dict, record: dict, now=None) -> dict[str, Any]:
        result = score(self.ruleset, self.inputs(answers), record, self.parameters, today=self.today)
        in_population, population_mask, met_mask, compact = encode(result)
        return {"round_ruleset_id": self.link.id, "round_id": self.survey_round.id, "submission_id": submission_id,
                "household_id": household_id, "village_id": village_id,
                "ethnic_group_code": record["ethnic_group"] or "", "state": state, "is_current": is_current,
                "in_population": in_population, "population_mask": population_mask, "met_mask": met_mask,
                "ruleset_version_id": self.version.id, "result": compact, "scored_at": now or utc_now()}


def scorers_for(session: Session, survey_round: SurveyRound) -> list[RoundScorer]:
    """The round's scorers, primary ruleset first, from one query. The ruleset documents are deferred columns:
    they are read only the first time a process compiles a version (``get_ruleset`` caches it)."""
    rows = session.execute(
        select(RoundRuleset, RulesetVersion).join(RulesetVersion, RulesetVersion.id == RoundRuleset.ruleset_version_id)
        .where(RoundRuleset.round_id == survey_round.id).order_by(RoundRuleset.position, RoundRuleset.id)).all()
    return [RoundScorer(survey_round, link, version) for link, version in rows]


@dataclass
class PreparedScores:
    """Scores computed ahead of the write (the save does it before it takes SQLite's write lock) for one answer
    set: ``store_score`` uses them when the submission still holds that very answer set."""

    answers: dict
    rows: list[dict]


def prepare_scores(session: Session, survey_round: SurveyRound, household: Household, answers: dict) -> PreparedScores:
    scorers = scorers_for(session, survey_round)
    statuses = dict(session.execute(select(HouseholdStatus.year, HouseholdStatus.status)
                                    .where(HouseholdStatus.household_id == household.id)).all())
    record = household_record(household, survey_round, statuses)
    return PreparedScores(answers, [scorer.row(submission_id=0, household_id=household.id,
                                               village_id=household.village_id, state="", is_current=False,
                                               answers=answers, record=record) for scorer in scorers])


def store_score(session: Session, submission: Submission, *, siblings: Iterable[int] = (),
                prepared: PreparedScores | None = None) -> int:
    """Score `submission` by every ruleset of its round and replace its `household_result` rows (one DELETE, one
    multi-row INSERT); a draft loses them. `siblings` are the household's other submissions whose state or
    is_current changed: their rows get the new values (`sync_states`). `prepared` scores are used when they were
    computed from the submission's current answers. Returns the number of rows written."""
    new = inspect(submission).pending  # not inserted yet: it has no stored results to replace
    session.flush()
    sync_states(session, siblings)
    if not new:
        session.execute(delete(HouseholdResult).where(HouseholdResult.submission_id == submission.id)
                        .execution_options(synchronize_session=False))
    if submission.state == "draft":
        return 0
    if prepared is None or prepared.answers is not submission.answers:
        prepared = prepare_scores(session, session.get(SurveyRound, submission.round_id),
                                  session.get(Household, submission.household_id), submission.answers or {})
    if not prepared.rows:
        return 0
    now = utc_now()
    rows = [{**row, "submission_id": submission.id, "village_id": submission.village_id, "state": submission.state,
             "is_current": bool(submission.is_current), "scored_at": now} for row in prepared.rows]
    session.execute(insert(HouseholdResult), rows)
    return len(rows)


def sync_states(session: Session, submission_ids: Iterable[int]) -> None:
    """Copy `state` and `is_current` of these submissions onto their stored results (a review decision or a
    change of the counted submission changes no answer, so nothing is rescored); drafts lose their results."""
    ids = sorted(set(submission_ids))
    if not ids:
        return
    session.flush()
    drafts = select(Submission.id).where(Submission.id.in_(ids), Submission.state == "draft")
    session.execute(delete(HouseholdResult).where(HouseholdResult.submission_id.in_(drafts))
                    .execution_options(synchronize_session=False))
    source = select(Submission.state, Submission.is_current).where(Submission.id == HouseholdResult.submission_id)
    session.execute(update(HouseholdResult).where(HouseholdResult.submission_id.in_(ids))
                    .values(state=source.with_only_columns(Submission.state).scalar_subquery(),
                            is_current=source.with_only_columns(Submission.is_current).scalar_subquery())
                    .execution_options(synchronize_session=False))


@dataclass(frozen=True)
class StoredResult:
    """A submission's stored score by one ruleset of its round, decoded."""

    round_ruleset_id: int
    version: RulesetVersion
    score: ScoreResult


def stored_results(session: Session, submission_id: int) -> list[StoredResult]:
    """The stored scores of a submission with their Vietnamese explanations (`ScoreResult`, per criterion
    `held` and `explain()`), primary ruleset first: the one decoding behind the review page, the household page
    and the printed sheet. Empty for a draft or a round without a ruleset."""
    rows = session.execute(
        select(HouseholdResult, RulesetVersion, SurveyRound.period_end)
        .join(RulesetVersion, RulesetVersion.id == HouseholdResult.ruleset_version_id)
        .join(RoundRuleset, RoundRuleset.id == HouseholdResult.round_ruleset_id)
        .join(SurveyRound, SurveyRound.id == HouseholdResult.round_id)
        .where(HouseholdResult.submission_id == submission_id)
        .order_by(RoundRuleset.position, RoundRuleset.id)).all()
    return [StoredResult(row.round_ruleset_id, version,
                         decode(row.result, version.definition, content_hash=version.content_hash,
                                today=period_end.isoformat()))
            for row, version, period_end in rows]
