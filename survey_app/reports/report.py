"""From database rows to rollups: the round's result sets, the previous round of the series, targets, and the
JSON shape of the API. No Flask: the report pages, the API, exports and benches share it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.areas import area_label, area_labels
from survey_app.core.denominators import DENOMINATOR_LABELS
from survey_app.core.formatting import (
    DEFAULT_PERCENT_RULE,
    PercentRule,
    as_number,
    format_int,
    format_percent,
    format_ratio,
    percent_change_value,
    percent_value,
)
from survey_app.core.scoring import score
from survey_app.models import Area, EthnicGroup, OutcomeTarget, RoundRuleset, RulesetVersion, SurveyRound
from survey_app.reports.official_list import OfficialList
from survey_app.reports.rollup import AreaFigures, AreaRef, OutcomeSpec, ResultSet, Rollup, Target, rollup

from ..results.codec import encode
from ..results.rulesets import round_rulesets
from ..results.store import RoundScorer, status_years


@dataclass
class RoundReport:
    survey_round: SurveyRound
    link: RoundRuleset
    version: RulesetVersion
    area: Area
    rollup: Rollup
    previous_round: SurveyRound | None
    area_labels: dict[int, str] = field(default_factory=dict)  # the area and its children, told apart (areas.py)

    def label(self, area: AreaRef) -> str:
        return self.area_labels.get(area.id, area.name)

    @property
    def percent_rule(self) -> PercentRule:
        """How this report prints its percentages: the round's rule, in every place the report appears."""
        return self.survey_round.percent_rule

    @property
    def denominator_label(self) -> str:
        """The round's denominator rule, said in every place the report appears."""
        return DENOMINATOR_LABELS[self.survey_round.denominator]


def list_text(figures: AreaFigures, rule: PercentRule = DEFAULT_PERCENT_RULE) -> str:
    """The official list of an area in words (page, PDF): "danh sách 2.613 hộ; đã khảo sát 2.598; được tính
    2.598; bao phủ 2.598/2.613 (99,4%)"."""
    if figures.listed is None:
        return ""
    return (f"danh sách {format_int(figures.listed)} hộ; đã khảo sát {format_int(figures.surveyed)}; "
            f"được tính {format_int(figures.counted)}; bao phủ {format_ratio(figures.counted, figures.listed, *rule)}")


def list_cell(figures: AreaFigures, rule: PercentRule = DEFAULT_PERCENT_RULE) -> str:
    """The official list in a table cell (page, PDF): "2.613/2.598/2.598 (99,4%)" (list/surveyed/counted)."""
    if figures.listed is None:
        return "—"
    return (f"{format_int(figures.listed)}/{format_int(figures.surveyed)}/{format_int(figures.counted)} "
            f"({format_percent(figures.counted, figures.listed, *rule)})")


def area_ref(area: Area) -> AreaRef:
    return AreaRef(area.id, area.code, area.name, area.level, area.path)


def children_of(session: Session, area: Area) -> list[Area]:
    return list(session.scalars(select(Area).where(Area.parent_id == area.id).order_by(Area.name, Area.code)))


def outcome_specs(version: RulesetVersion) -> tuple[OutcomeSpec, ...]:
    """Reported outcomes (not internal ones) with their bit positions."""
    return tuple(OutcomeSpec(o["id"], o["label"], bit) for bit, o in enumerate(version.definition["outcomes"])
                 if not o.get("internal"))


def official_list(survey_round: SurveyRound, link: RoundRuleset, version: RulesetVersion) -> OfficialList:
    """The round's official list: a register household is on it when the ruleset, given its register record and
    no answers, puts it in the population (the status at the start is the register's, `status_years`)."""
    scorer = RoundScorer(survey_round, link, version)
    specs = outcome_specs(version)

    def classify(ethnic_group: str, status_start: str | None, status_end: str | None):
        record = {"code": None, "ethnic_group": ethnic_group, "members": None,
                  "status_start": status_start, "status_end": status_end}
        in_population, population_mask, _, _ = encode(score(scorer.ruleset, {}, record, scorer.parameters,
                                                             today=scorer.today))
        return in_population is True, tuple(bool(population_mask & (1 << spec.bit)) for spec in specs)

    populations = [check for _, criterion, check in scorer.ruleset.checks() if criterion is None]
    reads_end = any("household.status_end" in (*check.required, *check.optional) for check in populations)
    return OfficialList(survey_round.denominator, *status_years(survey_round), classify, survey_round.id, reads_end)


def result_set(survey_round: SurveyRound, link: RoundRuleset, version: RulesetVersion) -> ResultSet:
    return ResultSet(link.id, bool(survey_round.count_only_approved), outcome_specs(version),
                     official_list(survey_round, link, version))


def round_link(session: Session, survey_round: SurveyRound,
               ruleset_id: str | None = None) -> tuple[RoundRuleset, RulesetVersion] | None:
    """The round's ruleset `ruleset_id` (default: its primary one) and its version; None if it has none."""
    for link in round_rulesets(session, survey_round.id):
        if ruleset_id in (None, link.ruleset_id):
            return link, session.get(RulesetVersion, link.ruleset_version_id)
    return None


def previous_round(session: Session, survey_round: SurveyRound) -> SurveyRound | None:
    """The latest earlier round of the same series (by period end), if any."""
    if not survey_round.series:
        return None
    return session.scalar(select(SurveyRound).where(SurveyRound.series == survey_round.series,
                                                    SurveyRound.period_end < survey_round.period_end)
                          .order_by(SurveyRound.period_end.desc(), SurveyRound.id.desc()).limit(1))


def targets_of(session: Session, round_id: int) -> list[Target]:
    rows = session.execute(select(OutcomeTarget.outcome_id, Area.path, OutcomeTarget.operator, OutcomeTarget.percent)
                           .outerjoin(Area, Area.id == OutcomeTarget.area_id)
                           .where(OutcomeTarget.round_id == round_id)).all()
    return [Target(outcome_id, path, operator, float(percent)) for outcome_id, path, operator, percent in rows]


def ethnic_group_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(EthnicGroup.code, EthnicGroup.name).order_by(EthnicGroup.sort_order)).all())


def build_report(session: Session, survey_round: SurveyRound, area: Area, *, ruleset_id: str | None = None,
                 ethnic: bool = False, compare: bool = True) -> RoundReport | None:
    """The rollup of `area` for the round (None when the round has no ruleset)."""
    found = round_link(session, survey_round, ruleset_id)
    if found is None:
        return None
    link, version = found
    previous = previous_round(session, survey_round) if compare else None
    previous_set = None
    if previous is not None:
        previous_found = round_link(session, previous, link.ruleset_id)
        if previous_found is None:
            previous = None
        else:
            previous_set = result_set(previous, *previous_found)
    children = [area_ref(child) for child in children_of(session, area)]
    figures = rollup(session.connection(), result_set(survey_round, link, version), area_ref(area), children,
                     targets=targets_of(session, survey_round.id), previous=previous_set,
                     ethnic_groups=ethnic_group_names(session) if ethnic else None, root=area.parent_id is None)
    labels = {**area_labels(session, children), area.id: area_label(session, area)}
    return RoundReport(survey_round, link, version, area, figures, previous, labels)


def figures_json(figures: AreaFigures, rule: PercentRule = DEFAULT_PERCENT_RULE) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if figures.area is not None:
        data.update(code=figures.area.code, name=figures.area.name, level=figures.area.level)
    else:
        data["label"] = figures.label
    data["denominator"] = figures.denominator
    if figures.listed is not None:
        data["official_list"] = {"size": figures.listed, "surveyed": figures.surveyed, "counted": figures.counted,
                                 "coverage": as_number(percent_value(figures.counted, figures.listed, *rule))}
    if figures.previous_denominator is not None:
        data["previous_denominator"] = figures.previous_denominator
    outcomes = []
    for o in figures.outcomes:
        item = {"id": o.id, "label": o.label, "count": o.count, "population": o.population,
                "percent": as_number(percent_value(o.count, o.population, *rule)),
                "target": None if o.target is None else {"operator": o.target.operator, "percent": o.target.percent},
                "met": o.met}
        if o.previous_population is not None:
            item["previous"] = {"count": o.previous_count, "population": o.previous_population,
                                "percent": as_number(percent_value(o.previous_count, o.previous_population, *rule)),
                                "change_points": as_number(percent_change_value(
                                    o.count, o.population, o.previous_count, o.previous_population, *rule))}
        outcomes.append(item)
    data["outcomes"] = outcomes
    return data


def report_json(report: RoundReport) -> dict[str, Any]:
    rule = report.percent_rule
    data = {"round": {"code": report.survey_round.code, "name": report.survey_round.name,
                      "count_only_approved": report.survey_round.count_only_approved,
                      "percent_rule": {"digits": rule.digits, "method": rule.method, "label": rule.label},
                      "denominator": {"rule": report.survey_round.denominator,
                                      "label": report.denominator_label}},
            "ruleset": {"ruleset_id": report.version.ruleset_id, "version": report.version.version},
            "previous_round": report.previous_round.code if report.previous_round else None,
            "area": figures_json(report.rollup.total, rule),
            "children": [figures_json(child, rule) for child in report.rollup.children]}
    if report.rollup.ethnic is not None:
        data["ethnic_groups"] = [figures_json(group, rule) for group in report.rollup.ethnic]
    return data
