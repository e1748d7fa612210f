"""The one way a refusal reaches HTTP: every ``ServiceError`` and every Werkzeug ``HTTPException`` (``abort``, an
unknown URL, a wrong method, a failed CSRF check, an unhandled error as 500) goes through ``problem_response``.

Under ``/api/`` (and when the client asks for JSON) the body has one shape, documented in ``docs/api.md``::

    {"status": 422, "code": "invalid", "message": "<Vietnamese>", "errors": {"<field or question path>": "..."}}

Elsewhere ``templates/error.html`` shows the message. The status stays >= 400, so the transaction boundary
(``web.register_transaction_boundary``) rolls the request back; a ``ServiceError`` is never retried
(``web.register_conflict_retries`` runs a view again only for a lock or a concurrent conflict).
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .errors import ServiceError, code_for, text_for

CSRF_MESSAGE = "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Hãy tải lại trang và thử lại."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def problem_body(status: int, code: str, message: str, errors: Mapping[str, str] | None = None) -> dict:
    """The documented JSON error body; every API refusal has exactly these four keys."""
    return {"status": status, "code": code, "message": message, "errors": dict(errors or {})}


def problem_response(status: int, code: str | None = None, message: str | None = None,
                     errors: Mapping[str, str] | None = None) -> Response:
    """JSON for the API (or a client asking for JSON), the Vietnamese error page for a browser."""
    message = message or text_for(status)
    if wants_json():
        response = jsonify(problem_body(status, code or code_for(status), message, errors))
    else:
        response = make_response(render_template("error.html", code=status, message=message))
    response.status_code = status
    return response


def service_error_response(err: ServiceError):
    return problem_response(err.status, err.error_code, err.message, err.errors)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ServiceError, service_error_response)

    @app.errorhandler(CSRFError)
    def _csrf_error(_err):
        return problem_response(400, "csrf", CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        # Werkzeug's descriptions are English: the status's Vietnamese text replaces them.
        response = problem_response(err.code or 500)
        allowed = getattr(err, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response
