"""Outcome targets per round, with overrides per area (configuration: YAML files in forms/targets/).

A target file::

    round: CVD-2023            # may be given on the command line instead
    area: KT-KPL               # absent or null: the round's default (the whole round)
    note: "Kế hoạch năm 2025 của huyện Kon Plông"
    targets:
      mindset_changed: ">= 70"
      applies_science: "> 40"

An area's target applies to its whole subtree; the nearest ancestor's wins (survey_app.reports.rollup).
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.errors import Forbidden, InvalidLines, NotFound
from survey_app.models import TARGET_OPERATORS, Area, OutcomeTarget, RulesetVersion, SurveyRound, User, record

from ..results.rulesets import assign_ruleset, load_directory, round_rulesets

TARGET_TEXT = re.compile(r"^\s*(>=|<=|>|<|≥|≤)\s*([0-9]+(?:[.,][0-9]+)?)\s*%?\s*$")
SYMBOLS = {"≥": ">=", "≤": "<="}


class TargetError(InvalidLines):
    """Targets refused; ``lines`` says which and why."""


def parse_target(text: str) -> tuple[str, float]:
    """'>= 15' / '≥ 15%' / '> 40,5' -> (operator, percent). Raises TargetError (Vietnamese)."""
    match = TARGET_TEXT.match(str(text))
    if not match:
        raise TargetError([f"Chỉ tiêu «{text}» không hợp lệ: viết dạng '>= 15', '> 40' hoặc '<= 10,5'."])
    operator = SYMBOLS.get(match.group(1), match.group(1))
    percent = float(match.group(2).replace(",", "."))
    check_target(operator, percent)
    return operator, percent


def check_target(operator: str, percent: float) -> None:
    if operator not in TARGET_OPERATORS:
        raise TargetError([f"Phép so sánh «{operator}» không hợp lệ (dùng >=, >, <=, <)."])
    if not 0 <= percent <= 100:
        raise TargetError([f"Chỉ tiêu {percent} phải từ 0 đến 100 (%)."])


def round_outcome_ids(session: Session, survey_round: SurveyRound) -> list[str]:
    """Outcome ids of the round's rulesets (reported ones: internal outcomes have no target)."""
    ids: list[str] = []
    for link in round_rulesets(session, survey_round.id):
        version = session.get(RulesetVersion, link.ruleset_version_id)
        ids.extend(o["id"] for o in version.definition["outcomes"] if not o.get("internal"))
    return ids


def check_target_scope(survey_round: SurveyRound, area: Area | None, user: User | None) -> None:
    """An account changes targets of its own areas only; the round-wide default (no area) only an account covering
    every area of the round (a province admin). The CLI (no user) may do both."""
    if user is None:
        return
    if area is None and not (survey_round.areas and all(user.covers(a) for a in survey_round.areas)):
        raise Forbidden("Chỉ quản trị phụ trách toàn bộ địa bàn của đợt mới được đặt chỉ tiêu mặc định của đợt.")
    if area is not None and not user.covers(area):
        raise NotFound()


def set_target(session: Session, survey_round: SurveyRound, outcome_id: str, area: Area | None, operator: str,
               percent: float, *, note: str = "", user: User | None = None, actor: str | None = "cli") -> OutcomeTarget:
    check_target_scope(survey_round, area, user)
    check_target(operator, percent)
    known = round_outcome_ids(session, survey_round)
    if known and outcome_id not in known:
        raise TargetError([f"Đợt {survey_round.code} không có kết quả «{outcome_id}»."])
    target = _find(session, survey_round.id, outcome_id, area)
    before = None if target is None else {"operator": target.operator, "percent": target.percent}
    if target is None:
        target = OutcomeTarget(round_id=survey_round.id, outcome_id=outcome_id,
                               area_id=area.id if area else None, operator=operator, percent=percent, note=note)
        session.add(target)
    else:
        target.operator, target.percent, target.note = operator, percent, note or target.note
    session.flush()
    where = f"địa bàn {area.code}" if area else "mặc định của đợt"
    record(session, user=user, actor=None if user else actor, action="target.set", entity_type="outcome_target",
           entity_id=target.id,
           summary=f"Chỉ tiêu {outcome_id} đợt {survey_round.code} ({where}): {operator} {percent}%",
           before=before, after={"operator": operator, "percent": percent, "area": area.code if area else None})
    return target


def delete_target(session: Session, target: OutcomeTarget, *, user: User | None = None,
                  actor: str | None = "cli") -> None:
    check_target_scope(session.get(SurveyRound, target.round_id), target.area, user)
    record(session, user=user, actor=None if user else actor, action="target.delete", entity_type="outcome_target",
           entity_id=target.id, summary=f"Xóa chỉ tiêu {target.outcome_id}",
           before={"operator": target.operator, "percent": target.percent, "area_id": target.area_id})
    session.delete(target)
    session.flush()


def _find(session: Session, round_id: int, outcome_id: str, area: Area | None) -> OutcomeTarget | None:
    stmt = select(OutcomeTarget).where(OutcomeTarget.round_id == round_id, OutcomeTarget.outcome_id == outcome_id)
    stmt = stmt.where(OutcomeTarget.area_id.is_(None) if area is None else OutcomeTarget.area_id == area.id)
    return session.scalar(stmt)


def load_target_file(session: Session, path: str | Path, *, round_code: str | None = None,
                     user: User | None = None, actor: str | None = "cli") -> list[OutcomeTarget]:
    """Apply one target file (all its targets or none). Returns the targets written."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise TargetError([f"{path}: không đọc được YAML: {err}"]) from err
    if not isinstance(data, dict) or not isinstance(data.get("targets"), dict):
        raise TargetError([f"{path}: thiếu mục 'targets' (kết quả: chỉ tiêu)."])
    code = round_code or data.get("round")
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == str(code or "")))
    if survey_round is None:
        raise TargetError([f"{path}: không có đợt khảo sát mã '{code}'."])
    area = None
    if data.get("area"):
        area = session.scalar(select(Area).where(Area.code == str(data["area"])))
        if area is None:
            raise TargetError([f"{path}: không có địa bàn mã '{data['area']}'."])
    errors: list[str] = []
    parsed = []
    for outcome_id, text in data["targets"].items():
        try:
            parsed.append((str(outcome_id), *parse_target(text)))
        except TargetError as err:
            errors.extend(f"{path}: {outcome_id}: {line}" for line in err.lines)
    if errors:
        raise TargetError(errors)
    note = str(data.get("note") or "")[:300]
    return [set_target(session, survey_round, outcome_id, area, operator, percent, note=note, user=user, actor=actor)
            for outcome_id, operator, percent in parsed]


def setup_demo_scoring(session: Session, survey_round: SurveyRound, *, actor: str = "seed-demo") -> None:
    """Demo configuration for a round: both shipped rulesets (the campaign's first) and the province's 2023
    targets as its default targets. Does nothing for a round that already has a ruleset."""
    if round_rulesets(session, survey_round.id):
        return
    root = Path(__file__).resolve().parent.parent.parent / "forms"
    versions = {load.version.ruleset_id: load.version for load in load_directory(session, root / "rulesets",
                                                                                   actor=actor)}
    for position, ruleset_id in enumerate(("cuoc_van_dong", "chuan_ngheo_quoc_gia")):
        if ruleset_id in versions:
            assign_ruleset(session, survey_round, versions[ruleset_id], position=position, actor=actor)
    load_target_file(session, root / "targets" / "tinh_2023.yaml", round_code=survey_round.code, actor=actor)
