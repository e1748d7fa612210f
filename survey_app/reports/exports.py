"""Exports of the report table and of household-level results, as CSV or XLSX, streamed.

CSV is produced by a generator (rows leave as they are read, in id-ordered pages of `household_result`); XLSX
is written with openpyxl's write-only mode into a temporary file that is then streamed back in blocks and
deleted, so a province-wide export never holds the whole sheet in memory.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.core.denominators import DENOMINATOR_SHORT
from survey_app.core.formatting import PercentRule, as_number, percent_value
from survey_app.core.scoring import STATUS_LABELS
from survey_app.models import Area, EthnicGroup, Household, HouseholdResult
from survey_app.reports.report import RoundReport, result_set
from survey_app.reports.rollup import AreaFigures, counted_filter, subtree_filter

PAGE = 2000
HELD_LABELS = {True: "Đạt", False: "Không đạt", None: "Chưa xác định"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell as a spreadsheet will not run it (OWASP "CSV injection"): text starting with `=`, `+`, `-`, `@`,
    a tab or a carriage return gets a leading `'`; numbers, dates and other text stay as they are, so a negative
    number is still a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_rows(report: RoundReport) -> Iterator[list]:
    """The report table: a header row, the area, then each child area; numbers as numbers (the percentage is
    `percent_value`'s under the round's percent rule, the same as the page and the API: 1/16 -> 6.3)."""
    outcomes = report.rollup.total.outcomes
    header = ["Mã địa bàn", "Địa bàn", "Cấp", f"Mẫu số (hộ): {DENOMINATOR_SHORT[report.survey_round.denominator]}",
              "Danh sách được công nhận (hộ)", "Đã khảo sát (hộ)", "Được tính (hộ)", "Bao phủ (%)"]
    for o in outcomes:
        header += [f"{o.label} — số hộ", f"{o.label} — trên số hộ", f"{o.label} — tỷ lệ (%)",
                   f"{o.label} — chỉ tiêu", f"{o.label} — đạt chỉ tiêu"]
    yield header
    for figures in [report.rollup.total, *report.rollup.children]:
        yield _figures_row(figures, report.percent_rule, report.label(figures.area))


def _figures_row(figures: AreaFigures, rule: PercentRule, label: str) -> list:
    row = [figures.area.code, label, figures.area.level, figures.denominator, figures.listed,
           figures.surveyed, figures.counted, as_number(percent_value(figures.counted, figures.listed, *rule))]
    for o in figures.outcomes:
        row += [o.count, o.population, as_number(percent_value(o.count, o.population, *rule)),
                o.target.text if o.target else "", {True: "Đạt", False: "Chưa đạt", None: ""}[o.met]]
    return row


def household_rows(session: Session, report: RoundReport, area: Area) -> Iterator[list]:
    """Each counted household of `area` with every outcome and every criterion (in the ruleset's order)."""
    definition = report.version.definition
    header = ["Mã hộ", "Chủ hộ", "Dân tộc", "Mã thôn", "Thôn", "Trạng thái phiếu", "Thuộc đối tượng"]
    for outcome in definition["outcomes"]:
        header.append(f"[{outcome['id']}] {outcome['label']}")
        header += [f"[{outcome['id']}.{c['id']}] {c['label']}" for c in outcome["criteria"]]
    yield header
    groups = dict(session.execute(select(EthnicGroup.code, EthnicGroup.name)).all())
    rs = result_set(report.survey_round, report.link, report.version)
    table = HouseholdResult.__table__
    conditions = [counted_filter(rs)]
    subtree = subtree_filter(area.path, area.parent_id is None)
    if subtree is not None:
        conditions.append(subtree)
    last_id = 0
    while True:
        page = session.execute(
            select(table.c.id, table.c.state, table.c.in_population, table.c.result, table.c.ethnic_group_code,
                   Household.code, Household.head_name, Area.code.label("village_code"), Area.name.label("village"))
            .join(Household, Household.id == table.c.household_id).join(Area, Area.id == table.c.village_id)
            .where(*conditions, table.c.id > last_id).order_by(table.c.id).limit(PAGE)).all()
        if not page:
            return
        for row in page:
            values = [row.code, row.head_name, groups.get(row.ethnic_group_code, row.ethnic_group_code),
                      row.village_code, row.village, row.state, HELD_LABELS[row.in_population]]
            for outcome, stored in zip(definition["outcomes"], row.result["o"]):
                values.append(STATUS_LABELS[stored[0]])
                held = stored[3]
                values += [HELD_LABELS[held[i]] if i < len(held) else "" for i in range(len(outcome["criteria"]))]
            yield values
        last_id = page[-1].id


def stream_csv(rows: Iterator[list]) -> Iterator[str]:
    """CSV text in chunks; starts with a BOM so that Excel opens the Vietnamese text as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for i, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(rows: Iterator[list], title: str) -> str:
    """Write the rows into a temporary XLSX file (write-only mode) and return its path; the caller streams it
    and removes it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="bao-cao-")
    os.close(handle)
    workbook.save(path)
    return path


def stream_file(path: str, block: int = 64 * 1024) -> Iterator[bytes]:
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(block):
                yield chunk
    finally:
        os.unlink(path)
