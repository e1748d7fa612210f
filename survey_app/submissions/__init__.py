"""A submission from arrival to decision: what a device sends (``payload``), the save service (``service``),
review decisions (``decisions``), which submission counts (``counting``, rule in ``core/counting.py``), quality
flags (``flags``) and the income summaries behind them (``stats``), what the API returns (``serialize``), and
the ONE table of what happens after each event (``lifecycle``)."""
from .decisions import (
    BulkOutcome,
    Correction,
    add_comment,
    bulk_approve,
    bulk_preview,
    choose_counted,
    correct,
    decide,
    undo_bulk_approval,
)
from .errors import SubmissionConflict, SubmissionError, SubmissionForbidden, SubmissionInvalid, SubmissionNotFound
from .payload import SubmissionPayload, answers_hash, normalise_uuid, payload_from_json
from .queries import current_submission, household_states, latest_comments, submission_by_uuid, submission_in_scope
from .serialize import submission_json
from .service import SaveOutcome, save_submission

__all__ = [
    "BulkOutcome", "Correction", "add_comment", "bulk_approve", "bulk_preview", "choose_counted", "correct", "decide",
    "undo_bulk_approval",
    "SubmissionConflict", "SubmissionError", "SubmissionForbidden", "SubmissionInvalid", "SubmissionNotFound",
    "SubmissionPayload", "answers_hash", "normalise_uuid", "payload_from_json", "current_submission",
    "household_states", "latest_comments", "submission_by_uuid", "submission_in_scope", "submission_json", "SaveOutcome",
    "save_submission",
]
