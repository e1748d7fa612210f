"""Refusals of the submission lifecycle: one family under ``ServiceError`` (status, Vietnamese message, errors by
question path or key), each also a member of the common class of its status (``NotFound``, ``Conflict``…). The error
handler (``survey_app.problems``) turns them into the API's JSON error; pages show the message."""
from __future__ import annotations

from ..errors import Conflict, Forbidden, Invalid, NotFound, ServiceError


class SubmissionError(ServiceError):
    """A refused save or decision."""


class SubmissionInvalid(SubmissionError, Invalid):
    pass


class SubmissionConflict(SubmissionError, Conflict):
    pass


class SubmissionNotFound(SubmissionError, NotFound):
    pass


class SubmissionForbidden(SubmissionError, Forbidden):
    pass
