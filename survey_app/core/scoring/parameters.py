"""A ruleset's dated parameters: reading them from the file (``ParameterReading``, with ``household_fallback``;
a mixin of the loader's builder that reports through ``self.add``) and their values on one reference date."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from survey_app.core.scoring.model import FALLBACK_ATTRIBUTES, Parameter, ParameterPeriod, Ruleset
from survey_app.core.scoring.problems import ParameterPeriodError, parameter_place


def resolve_parameters(ruleset: Ruleset, on_date: str | dt.date, *, strict: bool = True) -> dict[str, Any]:
    """Value of every parameter on ``on_date`` (ISO date or ``date``), periods being inclusive at both ends.

    Use the reference date of the survey round (e.g. 31/12 of the year surveyed), not the day of rescoring, so
    that a household is always judged by the thresholds of its own year. A parameter without a covering period
    raises ``ParameterPeriodError`` (Vietnamese message); with ``strict=False`` it gets None instead, and the
    criteria that read it are then undetermined.
    """
    if isinstance(on_date, dt.datetime):
        on_date = on_date.date()
    day = on_date.isoformat() if isinstance(on_date, dt.date) else dt.date.fromisoformat(on_date).isoformat()
    values: dict[str, Any] = {}
    uncovered: list[str] = []
    for name, parameter in ruleset.parameters.items():
        period = parameter.period_on(day)
        if period is None:
            uncovered.append(name)
            values[name] = None
        else:
            values[name] = period.value
    if uncovered and strict:
        raise ParameterPeriodError(ruleset.ruleset_id, day, uncovered)
    return values

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PERIOD_KEYS = {"from", "to", "value"}


def _config_date(raw: Any) -> str | None:
    if isinstance(raw, dt.datetime):
        return None
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, str) and _ISO_DATE.match(raw):
        try:
            return dt.date.fromisoformat(raw).isoformat()
        except ValueError:
            return None
    return None


class ParameterReading:
    # -- parameters -----------------------------------------------------------------------------------------
    def read_parameters(self, raw: Any, parent: dict) -> dict[str, Parameter]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(None, "phải là bảng tên tham số: danh sách thời kỳ", parent, "parameters", attribute="parameters")
            return {}
        parameters: dict[str, Parameter] = {}
        for name, spec in raw.items():
            if not isinstance(name, str) or not NAME_PATTERN.match(name):
                self.add(None, f"tên tham số không hợp lệ '{name}'", raw, name, attribute="parameters")
                continue
            self.parameter_names.add(name)
            parameter = self.read_parameter(name, spec, raw)
            if parameter is not None:
                parameters[name] = parameter
        return parameters

    def read_parameter(self, name: str, spec: Any, parent: dict) -> Parameter | None:
        where = parameter_place(name)
        label = None
        periods_raw = spec
        if isinstance(spec, dict):
            for key in spec:
                if key not in ("label", "periods"):
                    self.add(where, f"khóa không được hỗ trợ '{key}'", spec, key)
            label = self.text(spec, "label", where, required=False)
            periods_raw = spec.get("periods")
        if not isinstance(periods_raw, list) or not periods_raw:
            self.add(where, "phải có danh sách thời kỳ {from, to, value} (ít nhất một thời kỳ)", parent, name)
            return None
        periods: list[ParameterPeriod] = []
        for index, item in enumerate(periods_raw, start=1):
            period = self.read_period(item, f"{where}, thời kỳ {index}", parent, name)
            if period is not None:
                periods.append(period)
        if len(periods) != len(periods_raw):
            return None
        periods.sort(key=lambda period: period.start)
        for earlier, later in zip(periods, periods[1:]):
            if earlier.end is None or earlier.end >= later.start:
                self.add(where, f"các thời kỳ bắt đầu {earlier.start} và {later.start} chồng lên nhau", parent, name)
                return None
        return Parameter(name, tuple(periods), label)

    def read_period(self, item: Any, where: str, parent: dict, name: str) -> ParameterPeriod | None:
        if not isinstance(item, dict):
            self.add(where, "phải là bảng {from, to, value}", parent, name)
            return None
        ok = True
        for key in item:
            if key not in _PERIOD_KEYS:
                self.add(where, f"khóa không được hỗ trợ '{key}'", item, key)
                ok = False
        start = _config_date(item.get("from"))
        if start is None:
            self.add(where, "'from' phải là ngày dạng YYYY-MM-DD", item, "from", attribute="from")
            ok = False
        end = None
        if item.get("to") is not None:
            end = _config_date(item["to"])
            if end is None:
                self.add(where, "'to' phải là ngày dạng YYYY-MM-DD hoặc null (còn hiệu lực)", item, "to", attribute="to")
                ok = False
            elif start is not None and end < start:
                self.add(where, f"ngày kết thúc {end} trước ngày bắt đầu {start}", item, "to", attribute="to")
                ok = False
        value = item.get("value")
        if "value" not in item or value is None or not isinstance(value, (bool, int, float, str)):
            self.add(where, "'value' phải là một số, chuỗi hoặc true/false", item, "value", attribute="value")
            ok = False
        return ParameterPeriod(start, end, value) if ok else None

    # -- household register fallback ------------------------------------------------------------------------
    def read_fallback(self, raw: Any, parent: dict) -> dict[str, str]:
        if raw is None:
            return {}
        where = "household_fallback"
        if not isinstance(raw, dict):
            self.add(where, "phải là bảng thuộc tính hộ: tên câu hỏi", parent, where)
            return {}
        fallback: dict[str, str] = {}
        for attribute, question in raw.items():
            if attribute not in FALLBACK_ATTRIBUTES:
                self.add(where, f"thuộc tính hộ '{attribute}' không dùng được; chọn một trong: "
                         + ", ".join(FALLBACK_ATTRIBUTES), raw, attribute)
            elif not isinstance(question, str) or not NAME_PATTERN.match(question):
                self.add(where, f"'{attribute}' phải là tên một câu hỏi", raw, attribute)
            else:
                fallback[attribute] = question
        return fallback
