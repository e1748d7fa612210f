"""Refusals of the submission lifecycle: one family under ``ServiceError`` (status, Vietnamese message, errors by
question path or key). Views turn them into the API's JSON error or a message on the page."""
from __future__ import annotations

from ..errors import ServiceError


class SubmissionError(ServiceError):
    """A refused save or decision."""


class SubmissionInvalid(SubmissionError):
    status = 422


class SubmissionConflict(SubmissionError):
    status = 409


class SubmissionNotFound(SubmissionError):
    status = 404


class SubmissionForbidden(SubmissionError):
    status = 403
