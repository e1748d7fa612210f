"""The device package: everything an enumerator's tablet needs to work offline in their area, in one answer.

Full (no cursor): the open rounds the user works in (with the URL of each questionnaire definition, fetched once
per version), the villages of those rounds inside the user's areas, every household of those villages with its
state in each open round, the returned submissions with their answers and the supervisors' comments, the
ethnic-group list (for a household added offline), the server's date in Vietnam time and a cursor.

Since a cursor (``sync/cursor.py``): the rounds, villages and ethnic groups again (they are small, and a round
closed or a village taken away shows as absent), and only the households that changed, whose submission in an
open round changed or got a new comment, plus ``removed``: the codes of households moved out of the device's
villages since. The shape is in docs/offline.md and survey_app/api/openapi.yaml (``DevicePackage``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ..core.clock import iso, utc_now, vietnam_today
from ..core.review_states import COUNTED_ALL_SUBMITTED, COUNTED_APPROVED_ONLY
from ..households.service import ethnic_groups, villages_in_scope
from ..models import STATE_LABELS, Area, AuditEntry, Household, Submission, SubmissionComment, SurveyRound, User
from ..submissions.serialize import comment_json
from ..surveys.rounds import rounds_open_to
from .cursor import cursor_for


def device_package(session: Session, user: User, since: datetime | None,
                   definition_url: Callable[[int], str]) -> dict:
    """The package for ``user``; ``since`` (from ``cursor.parse_cursor``) limits it to what changed after it."""
    read_at = utc_now()
    rounds = rounds_open_to(session, user)
    villages = [v for v in villages_in_scope(session, user) if any(r.covers(v) for r in rounds)]
    village_ids = [v.id for v in villages]
    households = _households(session, village_ids, [r.id for r in rounds], since)
    submissions = _current_submissions(session, rounds, [h.id for h in households])
    returned = [s for s in submissions if s.state == "has_issues"]
    drafts = [s for s in submissions if s.state == "draft"]  # saved on the server: the app opens them with answers
    comments = _comments(session, [s.id for s in returned])
    return {
        "user": {"id": user.id, "username": user.username, "full_name": user.full_name, "role": user.role},
        "today": vietnam_today().isoformat(),
        "server_time": iso(read_at),
        "cursor": cursor_for(read_at),
        "full": since is None,
        "rounds": [_round_entry(r, definition_url) for r in rounds],
        "villages": _village_entries(villages),
        "ethnic_groups": [{"code": g.code, "name": g.name} for g in ethnic_groups(session)],
        "state_labels": STATE_LABELS,
        "households": _household_entries(households, submissions, rounds),
        "returned": [_returned_entry(s, comments.get(s.id, [])) for s in returned],
        "drafts": [_draft_entry(s) for s in drafts],
        "removed": _removed(session, villages, since) if since is not None else [],
    }


def _round_entry(survey_round: SurveyRound, definition_url: Callable[[int], str]) -> dict:
    qv = survey_round.questionnaire_version
    return {"id": survey_round.id, "code": survey_round.code, "name": survey_round.name,
            "period": {"start": survey_round.period_start.isoformat(), "end": survey_round.period_end.isoformat()},
            "form_id": qv.form_id, "form_version": qv.version, "questionnaire_version_id": qv.id,
            "content_hash": qv.content_hash, "definition_url": definition_url(qv.id),
            "areas": [a.code for a in survey_round.areas]}


def _village_entries(villages: list[Area]) -> list[dict]:
    """Villages with a label unique in the list: the name, with its commune where two share a name, and the code
    where even that is not enough (pickers and the household list show it)."""
    names = Counter(v.name for v in villages)
    labels = {v.id: v.name if names[v.name] == 1 else f"{v.name} ({v.parent.display_name if v.parent else v.code})"
              for v in villages}
    clashes = Counter(labels.values())
    return [{"id": v.id, "code": v.code, "name": v.name,
             "label": labels[v.id] if clashes[labels[v.id]] == 1 else f"{labels[v.id]} – {v.code}"}
            for v in villages]


def _households(session: Session, village_ids: list[int], round_ids: list[int],
                since: datetime | None) -> list[Household]:
    if not village_ids:
        return []
    stmt = (select(Household).where(Household.village_id.in_(village_ids))
            .options(selectinload(Household.statuses), selectinload(Household.village)).order_by(Household.code))
    if since is not None:
        changed_submissions = select(Submission.household_id).where(Submission.round_id.in_(round_ids),
                                                                    Submission.updated_at > since)
        commented = (select(Submission.household_id).join(SubmissionComment)
                     .where(Submission.round_id.in_(round_ids), SubmissionComment.created_at > since))
        stmt = stmt.where(or_(Household.updated_at > since, Household.id.in_(changed_submissions),
                              Household.id.in_(commented)))
    return list(session.scalars(stmt))


def _current_submissions(session: Session, rounds: list[SurveyRound], household_ids: list[int]) -> list[Submission]:
    if not household_ids or not rounds:
        return []
    return list(session.scalars(select(Submission).where(
        Submission.round_id.in_([r.id for r in rounds]), Submission.household_id.in_(household_ids),
        Submission.is_current.is_(True)).order_by(Submission.id)))


def _comments(session: Session, submission_ids: list[int]) -> dict[int, list[SubmissionComment]]:
    found: dict[int, list[SubmissionComment]] = {}
    if submission_ids:
        for comment in session.scalars(select(SubmissionComment).where(
                SubmissionComment.submission_id.in_(submission_ids))
                .options(selectinload(SubmissionComment.author))
                .order_by(SubmissionComment.created_at, SubmissionComment.id)):
            found.setdefault(comment.submission_id, []).append(comment)
    return found


def _household_entries(households: list[Household], submissions: list[Submission],
                       rounds: list[SurveyRound]) -> list[dict]:
    by_round = {r.id: r for r in rounds}
    states: dict[int, dict[str, dict]] = {}
    for submission in submissions:
        survey_round = by_round[submission.round_id]
        counted = COUNTED_APPROVED_ONLY if survey_round.count_only_approved else COUNTED_ALL_SUBMITTED
        states.setdefault(submission.household_id, {})[survey_round.code] = {
            "uuid": submission.uuid, "state": submission.state, "state_label": submission.state_label,
            "version_number": submission.version_number, "counted": submission.state in counted}
    return [{"id": h.id, "code": h.code, "client_uuid": h.client_uuid, "head_name": h.head_name,
             "ethnic_group": h.ethnic_group_code, "village": h.village.code, "members": h.members,
             "address": h.address, "statuses": {str(s.year): s.status for s in h.statuses},
             "rounds": states.get(h.id, {})}
            for h in households]


def _submission_entry(submission: Submission) -> dict:
    """What a device needs to reopen a submission: its answers under the questionnaire version they were given in."""
    return {"uuid": submission.uuid, "household": submission.household.code, "round": submission.survey_round.code,
            "form_version": submission.questionnaire_version.version,
            "questionnaire_version_id": submission.questionnaire_version_id,
            "version_number": submission.version_number, "answers": submission.answers,
            "updated_at": iso(submission.updated_at)}


def _draft_entry(submission: Submission) -> dict:
    """A draft saved on the server (the web form's "Lưu nháp"), with the section it was left on."""
    return {**_submission_entry(submission), "position": submission.draft_section or ""}


def _returned_entry(submission: Submission, comments: list[SubmissionComment]) -> dict:
    return {**_submission_entry(submission), "comments": [comment_json(c) for c in comments]}


def _removed(session: Session, villages: list[Area], since: datetime) -> list[str]:
    """Codes of households that were in one of the device's villages and were moved out since ``since`` (the
    register's audit rows keep the village before each change), so that the device forgets them."""
    codes = {v.code for v in villages}
    moved = session.execute(select(AuditEntry.entity_id, AuditEntry.before).where(
        AuditEntry.action == "household.update", AuditEntry.entity_type == "household", AuditEntry.at > since))
    candidates = {code for code, before in moved if isinstance(before, dict) and before.get("village") in codes}
    if not candidates:
        return []
    still_here = set(session.scalars(select(Household.code).where(Household.code.in_(candidates),
                                                                  Household.village_id.in_([v.id for v in villages]))))
    return sorted(candidates - still_here)
