"""The base of refused operations that services raise and views map onto HTTP statuses."""
from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """A refused operation: ``status`` for HTTP, ``message`` in Vietnamese, ``errors`` by field or question."""

    status = 400

    def __init__(self, message: str, errors: Mapping[str, str] | None = None):
        self.message = message
        self.errors = dict(errors or {})
        super().__init__(message)
