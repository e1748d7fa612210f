"""What a device sends: the SubmissionPayload, read from JSON (API, offline sync) naming every bad key; the
canonical UUID and the content hash that make every save repeatable."""
from __future__ import annotations

import hashlib
import json
import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import SubmissionInvalid


@dataclass
class SubmissionPayload:
    uuid: str
    household_code: str
    round_code: str
    form_version: str | None
    answers: dict
    started_at: datetime | None = None
    finished_at: datetime | None = None
    submit: bool = False
    source: str = "web"  # "web" | "api"
    position: str | None = None  # the section the page was on (Submission.draft_section), None: keep it


def normalise_uuid(value) -> str | None:
    """Canonical lower-case hyphenated form, or None when ``value`` is not a UUID string."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid_module.UUID(value.strip()))
    except ValueError:
        return None


def answers_hash(answers: Mapping, submit: bool) -> str:
    canonical = json.dumps({"answers": answers, "submit": bool(submit)}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

YEARS = (2000, 2100)  # a device's start and finish times: anything else is a wrong clock or a probe
REQUIRED_TEXT_KEYS = ("uuid", "household", "round", "form_version")
TIME_KEYS = ("started_at", "finished_at")


def payload_from_json(data: Any, *, source: str = "api") -> SubmissionPayload:
    """Raises SubmissionInvalid (422) with one message per missing or mistyped key."""
    if not isinstance(data, dict):
        raise SubmissionInvalid("Nội dung gửi lên phải là một đối tượng JSON.", {"body": "Phải là một đối tượng JSON"})
    errors: dict[str, str] = {}
    for key in REQUIRED_TEXT_KEYS:
        if key not in data or data[key] is None:
            errors[key] = "Thiếu trường bắt buộc"
        elif not isinstance(data[key], str) or not data[key].strip():
            errors[key] = "Phải là chuỗi ký tự khác rỗng"
    if "answers" not in data or data["answers"] is None:
        errors["answers"] = "Thiếu trường bắt buộc"
    elif not isinstance(data["answers"], dict):
        errors["answers"] = "Phải là một đối tượng (tên câu hỏi → câu trả lời)"
    submit = data.get("submit", False)
    if submit is None:
        submit = False
    if not isinstance(submit, bool):
        errors["submit"] = "Phải là true hoặc false"
    times = {key: _parse_time(data.get(key), key, errors) for key in TIME_KEYS}
    if errors:
        names = ", ".join(errors)
        raise SubmissionInvalid(f"Dữ liệu gửi lên không hợp lệ: {names}.", errors)
    return SubmissionPayload(uuid=data["uuid"], household_code=data["household"].strip(),
                             round_code=data["round"].strip(), form_version=data["form_version"].strip(),
                             answers=data["answers"], started_at=times["started_at"],
                             finished_at=times["finished_at"], submit=submit, source=source)


def _parse_time(value: Any, key: str, errors: dict[str, str]) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip()[:40])
        except ValueError:
            pass
        else:
            if YEARS[0] <= moment.year <= YEARS[1]:
                return moment
            errors[key] = f"Thời điểm phải nằm trong các năm {YEARS[0]}–{YEARS[1]}"
            return None
    errors[key] = "Phải là thời điểm ISO 8601, ví dụ 2024-05-10T08:30:00+07:00"
    return None
