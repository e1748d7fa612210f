"""Survey rounds (đợt khảo sát): a questionnaire version, a period and the areas it covers.

An admin works inside their own areas: they may only give a round areas inside their own, and they manage only
the rounds whose areas all lie inside theirs. ``user=None`` (the CLI, the demo) has no area limit.
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..access import can
from ..core.denominators import DEFAULT_DENOMINATOR, DENOMINATOR_RULES
from ..core.formatting import DEFAULT_PERCENT_RULE, PERCENT_METHODS, PercentRule
from ..errors import Invalid
from ..models import Area, QuestionnaireVersion, SurveyRound, User, record
from ..reports.summary import refresh_list

CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}\Z")
SERIES_PATTERN = re.compile(r"[a-z0-9_]{0,40}\Z")
FIELD_LABELS = {
    "code": "Mã đợt", "name": "Tên đợt", "series": "Nhóm đợt", "questionnaire_version": "Bảng hỏi",
    "period_start": "Ngày bắt đầu", "period_end": "Ngày kết thúc", "areas": "Địa bàn",
    "percent_rule": "Cách ghi phần trăm trong báo cáo",
    "denominator": "Mẫu số của báo cáo",
}
PERCENT_RULE_CHOICES = [PercentRule(digits, method) for method in PERCENT_METHODS for digits in (1, 0, 2)]
"""The rules offered on the round form (any 0–3 decimals is accepted from the CLI)."""


class RoundError(Invalid):
    """Validation failures by field name; every message names its field in Vietnamese."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), errors)


def _say(errors: dict[str, str], field: str, text: str) -> None:
    errors.setdefault(field, f"{FIELD_LABELS[field]}: {text}")


def _parse_date(value: date | str | None, field: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        _say(errors, field, "bắt buộc.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        _say(errors, field, f"'{text}' không phải ngày hợp lệ (dạng YYYY-MM-DD).")
        return None


def _resolve_areas(session: Session, user: User | None, area_codes, errors: dict[str, str]) -> list[Area]:
    codes = [c.strip() for c in (area_codes or []) if c and c.strip()]
    if not codes:
        _say(errors, "areas", "chọn ít nhất một địa bàn.")
        return []
    areas = list(session.scalars(select(Area).where(Area.code.in_(codes)).order_by(Area.path)))
    missing = sorted(set(codes) - {a.code for a in areas})
    if missing:
        _say(errors, "areas", f"không có địa bàn mã {', '.join(missing)}.")
    outside = [a.code for a in areas if user is not None and not user.covers(a)]
    if outside:
        _say(errors, "areas", f"chỉ được chọn địa bàn nằm trong địa bàn của bạn ({', '.join(outside)} nằm ngoài).")
    return areas


def _check_period(start: date | None, end: date | None, errors: dict[str, str]) -> None:
    if start and end and end < start:
        _say(errors, "period_end", "phải từ ngày bắt đầu trở đi.")


def _check_name(name: str, errors: dict[str, str]) -> str:
    name = (name or "").strip()
    if not name:
        _say(errors, "name", "bắt buộc.")
    elif len(name) > 200:
        _say(errors, "name", "tối đa 200 ký tự.")
    return name


def _check_percent_rule(rule: PercentRule | str | None, errors: dict[str, str]) -> PercentRule:
    if rule is None or isinstance(rule, PercentRule):
        return rule or DEFAULT_PERCENT_RULE
    try:
        return PercentRule.parse(rule)
    except ValueError:
        _say(errors, "percent_rule", "chọn số chữ số thập phân (0–3) và cách làm (làm tròn hoặc bỏ phần thừa).")
        return DEFAULT_PERCENT_RULE


def _check_denominator(rule: str | None, errors: dict[str, str]) -> str:
    rule = (rule or DEFAULT_DENOMINATOR).strip()
    if rule not in DENOMINATOR_RULES:
        _say(errors, "denominator", "chọn danh sách được công nhận (official) hoặc chỉ hộ đã khảo sát (surveyed).")
        return DEFAULT_DENOMINATOR
    return rule


def round_snapshot(survey_round: SurveyRound) -> dict:
    return {"code": survey_round.code, "name": survey_round.name, "series": survey_round.series,
            "questionnaire_version_id": survey_round.questionnaire_version_id,
            "period_start": survey_round.period_start.isoformat(), "period_end": survey_round.period_end.isoformat(),
            "is_open": survey_round.is_open, "count_only_approved": survey_round.count_only_approved,
            "percent_rule": survey_round.percent_rule.setting,
            "denominator": survey_round.denominator, "areas": [a.code for a in survey_round.areas]}


def create_round(session: Session, user: User | None, code: str, name: str,
                 questionnaire_version: QuestionnaireVersion | None, period_start: date | str,
                 period_end: date | str, area_codes: list[str], series: str,
                 count_only_approved: bool = True, *, percent_rule: PercentRule | str | None = None,
                 denominator: str | None = None, actor: str | None = None) -> SurveyRound:
    """Create an open round. Raises RoundError with a Vietnamese message per bad field."""
    errors: dict[str, str] = {}
    code = (code or "").strip()
    if not code:
        _say(errors, "code", "bắt buộc.")
    elif not CODE_PATTERN.match(code):
        _say(errors, "code", "chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự).")
    elif session.scalar(select(SurveyRound.id).where(SurveyRound.code == code)) is not None:
        _say(errors, "code", f"đã có đợt mã '{code}'.")
    name = _check_name(name, errors)
    series = (series or "").strip()
    if not SERIES_PATTERN.match(series):
        _say(errors, "series", "chỉ gồm chữ thường không dấu, số và dấu gạch dưới (tối đa 40 ký tự).")
    if questionnaire_version is None:
        _say(errors, "questionnaire_version", "bắt buộc chọn một phiên bản bảng hỏi đã nạp.")
    start = _parse_date(period_start, "period_start", errors)
    end = _parse_date(period_end, "period_end", errors)
    _check_period(start, end, errors)
    areas = _resolve_areas(session, user, area_codes, errors)
    rule = _check_percent_rule(percent_rule, errors)
    denominator = _check_denominator(denominator, errors)
    if errors:
        raise RoundError(errors)
    survey_round = SurveyRound(code=code, name=name, series=series, questionnaire_version=questionnaire_version,
                               period_start=start, period_end=end, is_open=True,
                               count_only_approved=bool(count_only_approved), percent_digits=rule.digits,
                               percent_method=rule.method, denominator=denominator, areas=areas)
    session.add(survey_round)
    session.flush()
    refresh_list(session, round_ids=[survey_round.id])
    record(session, user=user, actor=actor, action="round.create", entity_type="survey_round",
           entity_id=survey_round.id, summary=f"Tạo đợt khảo sát {code} ({name})", after=round_snapshot(survey_round))
    return survey_round


def update_round(session: Session, user: User | None, survey_round: SurveyRound, *, name: str,
                 period_start: date | str, period_end: date | str, area_codes: list[str], is_open: bool,
                 count_only_approved: bool, percent_rule: PercentRule | str | None = None,
                 denominator: str | None = None, actor: str | None = None) -> SurveyRound:
    """Edit what may change after creation (the code, series and questionnaire version stay); without
    ``percent_rule`` or ``denominator`` the round keeps its own."""
    errors: dict[str, str] = {}
    name = _check_name(name, errors)
    start = _parse_date(period_start, "period_start", errors)
    end = _parse_date(period_end, "period_end", errors)
    _check_period(start, end, errors)
    areas = _resolve_areas(session, user, area_codes, errors)
    rule = _check_percent_rule(percent_rule or survey_round.percent_rule, errors)
    denominator = _check_denominator(denominator or survey_round.denominator, errors)
    if errors:
        raise RoundError(errors)
    before = round_snapshot(survey_round)
    survey_round.percent_digits, survey_round.percent_method = rule
    survey_round.denominator = denominator
    survey_round.name, survey_round.period_start, survey_round.period_end = name, start, end
    survey_round.areas = areas
    survey_round.is_open, survey_round.count_only_approved = bool(is_open), bool(count_only_approved)
    session.flush()
    after = round_snapshot(survey_round)
    if (after["period_start"], after["period_end"]) != (before["period_start"], before["period_end"]):
        refresh_list(session, round_ids=[survey_round.id])  # other years of the register's statuses
    if after != before:
        record(session, user=user, actor=actor, action="round.update", entity_type="survey_round",
               entity_id=survey_round.id, summary=f"Sửa đợt khảo sát {survey_round.code}", before=before, after=after)
    return survey_round


def set_round_open(session: Session, user: User | None, survey_round: SurveyRound, is_open: bool, *,
                   actor: str | None = None) -> bool:
    """Open or close a round; returns False when it already was so (nothing written)."""
    if survey_round.is_open == is_open:
        return False
    survey_round.is_open = is_open
    record(session, user=user, actor=actor, action="round.open" if is_open else "round.close",
           entity_type="survey_round", entity_id=survey_round.id,
           summary=f"{'Mở' if is_open else 'Đóng'} đợt khảo sát {survey_round.code}",
           before={"is_open": not is_open}, after={"is_open": is_open})
    return True


def manageable_by(user: User, survey_round: SurveyRound) -> bool:
    """An admin manages a round whose areas all lie inside the admin's own areas."""
    return can(user, "round.manage") and all(user.covers(a) for a in survey_round.areas)


def _overlaps(user: User, survey_round: SurveyRound) -> bool:
    return any(a.path.startswith(p) or p.startswith(a.path) for a in survey_round.areas for p in user.area_paths)


def rounds_open_to(session: Session, user: User) -> list[SurveyRound]:
    """Open rounds whose areas intersect the user's areas (one contains the other), newest period first."""
    rounds = session.scalars(select(SurveyRound).where(SurveyRound.is_open.is_(True))
                             .options(selectinload(SurveyRound.areas),
                                      selectinload(SurveyRound.questionnaire_version))
                             .order_by(SurveyRound.period_start.desc(), SurveyRound.code))
    return [r for r in rounds if _overlaps(user, r)]


def round_by_code(session: Session, code: str) -> SurveyRound | None:
    return session.scalar(select(SurveyRound).where(SurveyRound.code == (code or "").strip()))


def round_json(survey_round: SurveyRound, *, with_definition: bool = False) -> dict:
    """The API shape of a round; ``with_definition`` adds the compiled questionnaire the browser runs."""
    qv = survey_round.questionnaire_version
    data = {
        "code": survey_round.code,
        "name": survey_round.name,
        "series": survey_round.series,
        "period": {"start": survey_round.period_start.isoformat(), "end": survey_round.period_end.isoformat()},
        "is_open": survey_round.is_open,
        "count_only_approved": survey_round.count_only_approved,
        "percent_rule": {"digits": survey_round.percent_digits, "method": survey_round.percent_method},
        "denominator": survey_round.denominator,
        "areas": [a.code for a in survey_round.areas],
        "questionnaire": {"form_id": qv.form_id, "version": qv.version, "content_hash": qv.content_hash,
                          "title": qv.title},
    }
    if with_definition:
        data["definition"] = qv.compiled
    return data
