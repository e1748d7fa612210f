"""The device package's cursor: opaque to the device, monotonic, and safe under concurrent writes.

A cursor is the moment the package was read, less ``SAFETY_MARGIN``. The next package returns everything whose
``updated_at`` (households, submissions) or ``created_at`` (review comments) is after it. The margin covers a
transaction that stamped its rows before the package was read and committed after it (and clocks of several
servers that differ by seconds): such rows are sent again next time rather than never. Sending a row twice is
harmless, the device replaces what it holds; missing one is not. The text is ``c1.<microseconds since 1970 in
hex>``; anything else, or a moment in the future, is refused with a 400 naming the parameter.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ..errors import BadRequest

SAFETY_MARGIN = timedelta(minutes=5)
_PATTERN = re.compile(r"c1\.([0-9a-f]{1,15})\Z")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
BAD_CURSOR = ("Tham số «since» không phải con trỏ đồng bộ do máy chủ cấp. Hãy tải lại toàn bộ gói dữ liệu "
              "(không kèm since).")


def cursor_for(read_at: datetime) -> str:
    """The cursor of a package read at ``read_at`` (aware UTC)."""
    moment = read_at - SAFETY_MARGIN
    return f"c1.{(moment - _EPOCH) // timedelta(microseconds=1):x}"


def parse_cursor(text: str, now: datetime) -> datetime:
    """The moment a cursor stands for; ``BadRequest`` for text that is not one, or one from the future."""
    match = _PATTERN.match(text.strip())
    if match is None:
        raise BadRequest(BAD_CURSOR, {"since": "Con trỏ không hợp lệ"})
    moment = _EPOCH + timedelta(microseconds=int(match.group(1), 16))
    if moment > now:
        raise BadRequest(BAD_CURSOR, {"since": "Con trỏ ở thời điểm chưa tới"})
    return moment
