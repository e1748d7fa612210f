"""The one family of refusals: every service raises a ``ServiceError`` (an HTTP status, a stable ``code``, a
Vietnamese ``message`` and per-field ``errors``), and ``survey_app.problems`` turns it into the one JSON shape
under ``/api/`` or the error page elsewhere. No Flask here, so services, the CLI and background jobs share it.

The domain core (``survey_app/core/``) keeps its own ``ValueError``-style exceptions: it knows nothing of HTTP,
and the service that calls it decides what a core refusal means for the user (e.g. ``submissions.decisions``
turns ``TransitionRefused`` into a 409 or a 422).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

# The Vietnamese text of each status when the refusal carries no message of its own (and for Werkzeug's errors).
ERROR_TEXT = {
    400: "Yêu cầu không hợp lệ.",
    401: "Cần đăng nhập.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc dữ liệu (hoặc nó nằm ngoài địa bàn của bạn).",
    405: "Phương thức không được phép.",
    409: "Xung đột dữ liệu.",
    413: "Tệp tải lên quá lớn.",
    422: "Dữ liệu không hợp lệ.",
    500: "Lỗi máy chủ. Thao tác chưa được lưu.",
}
# The machine-readable ``code`` of each status in the JSON body.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    500: "server_error",
}


def text_for(status: int) -> str:
    return ERROR_TEXT.get(status, "Lỗi.")


def code_for(status: int) -> str:
    return ERROR_CODES.get(status, "error")


class ServiceError(Exception):
    """A refused operation: ``status`` for HTTP, ``message`` in Vietnamese, ``errors`` by field or question.

    Without a message the status's Vietnamese text is used. ``code`` defaults to the status's code."""

    status = 400  # a request the server cannot use; the subclasses below give the other statuses
    code: str | None = None

    def __init__(self, message: str | None = None, errors: Mapping[str, str] | None = None):
        self.message = message or text_for(self.status)
        self.errors = dict(errors or {})
        super().__init__(self.message)

    @property
    def error_code(self) -> str:
        return self.code or code_for(self.status)


class BadRequest(ServiceError):
    """A parameter or body the server cannot use (a number out of range, JSON nested too deep); the message
    names it."""

    status = 400


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    """The account's role may not do this (an object outside the account's areas is a ``NotFound``)."""

    status = 403


class NotFound(ServiceError):
    status = 404  # unknown, or outside the account's areas: its existence is not revealed


class Conflict(ServiceError):
    """The request is right but the data's present state refuses it (a review transition, another household)."""

    status = 409


class TooLarge(ServiceError):
    """A body over the limit of its route (the message says the limit)."""

    status = 413


class Invalid(ServiceError):
    status = 422  # understood, but its content is refused; ``errors`` names the fields


class InvalidLines(Invalid):
    """A refusal listing several problems, one Vietnamese line each (a file's rows, a ruleset's entries)."""

    def __init__(self, lines: Sequence[str], message: str | None = None):
        self.lines = list(lines)
        super().__init__(message or "\n".join(self.lines))
