"""What the API returns for a submission."""
from __future__ import annotations

from ..core.clock import iso
from ..models import Submission, SubmissionComment


def comment_json(comment: SubmissionComment) -> dict:
    """A review comment as the API returns it (the review API, the device package)."""
    return {"body": comment.body, "author": comment.author.username if comment.author else None,
            "from_state": comment.from_state or None, "to_state": comment.to_state or None,
            "created_at": iso(comment.created_at)}


def submission_json(submission: Submission) -> dict:
    """What the API returns for a submission."""
    qv = submission.questionnaire_version
    return {
        "uuid": submission.uuid,
        "household": submission.household.code,
        "round": submission.survey_round.code,
        "form_id": qv.form_id,
        "form_version": qv.version,
        "state": submission.state,
        "state_label": submission.state_label,
        "is_current": submission.is_current,
        "chosen": submission.chosen_at is not None,
        "version_number": submission.version_number,
        "answers": submission.answers,
        "flags": list(submission.flags or []),
        "source": submission.source,
        "enumerator": submission.enumerator.username if submission.enumerator else None,
        "village": submission.village.code,
        "started_at": iso(submission.started_at),
        "finished_at": iso(submission.finished_at),
        "submitted_at": iso(submission.submitted_at),
        "created_at": iso(submission.created_at),
        "updated_at": iso(submission.updated_at),
    }
