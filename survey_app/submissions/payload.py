"""What a device sends: the SubmissionPayload, read from JSON (API, offline sync) naming every bad key; the
canonical UUID and the content hash that make every save repeatable.

Two keys serve the offline outbox (docs/offline.md): ``new_household`` instead of ``household`` for a household
created on the device (``NewHousehold``, made idempotent by its ``client_uuid``), and ``base_version``, the
version of a returned submission the device edited (a stale one is a 409, never a silent overwrite)."""
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
class NewHousehold:
    """A household the enumerator added on the device; the server assigns its register code."""

    client_uuid: str
    village: str  # the village's code, or its id as digits
    head_name: str
    ethnic_group: str
    members: int
    address: str = ""


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
    new_household: NewHousehold | None = None  # instead of household_code: created with the submission
    base_version: int | None = None  # the version the device edited; None: no check (the web form, scripts)


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
REQUIRED_TEXT_KEYS = ("uuid", "round", "form_version")
TIME_KEYS = ("started_at", "finished_at")
NEW_HOUSEHOLD_TEXT = {"client_uuid": 36, "village": 40, "head_name": 200, "ethnic_group": 30}
MAX_VERSION = 1_000_000


def payload_from_json(data: Any, *, source: str = "api") -> SubmissionPayload:
    """Raises SubmissionInvalid (422) with one message per missing or mistyped key."""
    if not isinstance(data, dict):
        raise SubmissionInvalid("Nội dung gửi lên phải là một đối tượng JSON.", {"body": "Phải là một đối tượng JSON"})
    errors: dict[str, str] = {}
    for key in REQUIRED_TEXT_KEYS:
        _check_text(data, key, errors)
    new_household = None
    if data.get("new_household") is not None:
        if data.get("household") is not None:
            errors["household"] = "Gửi «household» (hộ đã có) hoặc «new_household» (hộ mới), không gửi cả hai"
        new_household = _new_household(data["new_household"], errors)
    else:
        _check_text(data, "household", errors)
    base_version = data.get("base_version")
    if base_version is not None and (isinstance(base_version, bool) or not isinstance(base_version, int)
                                     or not 1 <= base_version <= MAX_VERSION):
        errors["base_version"] = "Phải là số phiên bản (số nguyên từ 1) của phiếu đã sửa"
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
    return SubmissionPayload(uuid=data["uuid"], household_code="" if new_household else data["household"].strip(),
                             round_code=data["round"].strip(), form_version=data["form_version"].strip(),
                             answers=data["answers"], started_at=times["started_at"],
                             finished_at=times["finished_at"], submit=submit, source=source,
                             new_household=new_household, base_version=base_version)


def _check_text(data: dict, key: str, errors: dict[str, str], prefix: str = "") -> None:
    if key not in data or data[key] is None:
        errors[prefix + key] = "Thiếu trường bắt buộc"
    elif not isinstance(data[key], str) or not data[key].strip():
        errors[prefix + key] = "Phải là chuỗi ký tự khác rỗng"


def _new_household(value: Any, errors: dict[str, str]) -> NewHousehold | None:
    """``new_household`` read key by key; errors are named ``new_household.<key>``."""
    if not isinstance(value, dict):
        errors["new_household"] = "Phải là một đối tượng (client_uuid, village, head_name, ethnic_group, members)"
        return None
    before = len(errors)
    village = value.get("village")
    if isinstance(village, int) and not isinstance(village, bool) and village > 0:
        village = str(village)
    values = {**value, "village": village}
    for key, longest in NEW_HOUSEHOLD_TEXT.items():
        _check_text(values, key, errors, "new_household.")
        if isinstance(values.get(key), str) and len(values[key].strip()) > longest:
            errors[f"new_household.{key}"] = f"Tối đa {longest} ký tự"
    client_uuid = normalise_uuid(value.get("client_uuid"))
    if "new_household.client_uuid" not in errors and client_uuid is None:
        errors["new_household.client_uuid"] = "Phải là một UUID do thiết bị tạo"
    members = value.get("members", 1)
    if isinstance(members, bool) or not isinstance(members, int) or not 1 <= members <= 60:
        errors["new_household.members"] = "Số thành viên phải là số nguyên từ 1 đến 60"
    address = value.get("address") or ""
    if not isinstance(address, str) or len(address) > 300:
        errors["new_household.address"] = "Địa chỉ phải là chuỗi ký tự, tối đa 300 ký tự"
    if len(errors) > before:
        return None
    return NewHousehold(client_uuid=client_uuid, village=village.strip(), head_name=values["head_name"],
                        ethnic_group=values["ethnic_group"].strip(), members=members, address=address)


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
