"""The campaign report PDF for an area and a round: the figures come from the reports module's rollup
(survey_app.reports.report.build_report over survey_app.reports.rollup); here they are only laid out the way the
seed reports print them: ``count/denominator (percent)`` against the targets, by child area, ready to sign."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from survey_app.core.clock import vietnam_today
from survey_app.core.formatting import format_date_vn, format_int, format_ratio
from survey_app.models import Area, SurveyRound
from survey_app.reports.chart import outcome_chart
from survey_app.reports.report import RoundReport, build_report, list_cell, list_text

TARGET_VERDICTS = {True: "Đạt", False: "Chưa đạt", None: "—"}


def report_context(session: Session, survey_round: SurveyRound, area: Area, *, ruleset_id: str | None = None,
                   today: dt.date | None = None) -> dict[str, Any] | None:
    """Context of ``print/campaign_report.html``; None when the round has no ruleset (nothing to report)."""
    report = build_report(session, survey_round, area, ruleset_id=ruleset_id)
    if report is None:
        return None
    return _context(report, today or vietnam_today())


def _issuer(area: Area) -> tuple[str, str]:
    parent = area.parent
    return (f"UBND {parent.display_name}" if parent is not None else "", f"UBND {area.display_name}")


def _context(report: RoundReport, today: dt.date) -> dict[str, Any]:
    rollup, survey_round, area = report.rollup, report.survey_round, report.area
    rule = report.percent_rule
    total = rollup.total
    rows = []
    for index, outcome in enumerate(total.outcomes, start=1):
        rows.append([str(index), outcome.label, format_ratio(outcome.count, outcome.population, *rule),
                     outcome.target.text if outcome.target else "—", TARGET_VERDICTS[outcome.met]])
    child_rows = [[report.label(child.area), format_int(child.denominator), list_cell(child, rule)]
                  + [format_ratio(o.count, o.population, *rule) for o in child.outcomes] for child in rollup.children]
    issuer_parent, issuer = _issuer(area)
    counting = ("phiếu đã được duyệt" if survey_round.count_only_approved
                else "mọi phiếu đã gửi (chưa bị trả lại, chưa bị loại)")
    return {
        "document_title": f"Báo cáo kết quả Cuộc vận động — {area.display_name} — {survey_round.name}",
        "running_id": f"Báo cáo {area.display_name} · {survey_round.name}",
        "issuer_parent": issuer_parent,
        "issuer": issuer,
        "number": "......./BC-UBND",
        "place": area.name,
        "today": today,
        "title": "Báo cáo",
        "subtitle": f"Kết quả thực hiện Cuộc vận động năm {survey_round.year} trên địa bàn {area.display_name}",
        "period": f"{survey_round.name} (từ ngày {format_date_vn(survey_round.period_start)} "
                  f"đến ngày {format_date_vn(survey_round.period_end)})",
        "ruleset": f"{report.version.title} (phiên bản {report.version.version})",
        "percent_rule": rule.label,
        "counting": counting,
        "denominator": format_int(total.denominator),
        "denominator_rule": report.denominator_label,
        "official_list": list_text(total, rule),
        "rows": rows,
        "chart": outcome_chart(total, f"Kết quả so với chỉ tiêu — {area.display_name}", rule),
        "child_columns": ["Địa bàn", "Hộ thuộc đối tượng", "Danh sách/khảo sát/được tính (bao phủ)"]
                         + [o.label for o in total.outcomes],
        "child_rows": child_rows,
        "child_total": ["Tổng cộng", format_int(total.denominator), list_cell(total, rule)]
                       + [format_ratio(o.count, o.population, *rule) for o in total.outcomes],
        "signatures": [{"title": "Người lập báo cáo"},
                       {"title": f"TM. Ủy ban nhân dân {area.level}".strip(), "hint": "(Ký tên, đóng dấu)"}],
    }

