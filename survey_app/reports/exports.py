"""Exports of the report table and of household-level results, as CSV or XLSX, streamed.

An export is its columns (a Vietnamese label for people, a stable code for scripts) and its rows; a value that has
a code and words (a review state, an outcome's verdict) is a ``Coded``. Three writers (docs/reports.md):

- **CSV for people** (``bang.csv``): UTF-8 with a BOM, ``;`` between cells and decimal commas (``66,0``), as a
  Vietnamese-locale Excel expects; a first header row of labels and a second one of column codes; words, not codes.
- **CSV for machines** (``bang.csv?dang=may``): ``,`` and decimal dots, one header row of codes, values as codes.
- **XLSX**: one header row of labels, numbers as numbers, words; a second sheet "Mã cột" lists each column's code.

CSV is produced by a generator (rows leave as they are read, in id-ordered pages of `household_result`); XLSX
is written with openpyxl's write-only mode into a temporary file that is then streamed back in blocks and
deleted, so a province-wide export never holds the whole sheet in memory.
"""
from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.core import review_states
from survey_app.core.denominators import DENOMINATOR_SHORT
from survey_app.core.formatting import PercentRule, as_number, format_plain_decimal, percent_value
from survey_app.core.scoring.verdicts import UNKNOWN_WORD, criterion_verdict, outcome_verdict
from survey_app.models import Area, EthnicGroup, Household, HouseholdResult
from survey_app.reports.report import RoundReport, result_set
from survey_app.reports.rollup import AreaFigures, counted_filter, subtree_filter

PAGE = 2000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CODES_SHEET = "Mã cột"
HELD_CODES = {True: "yes", False: "no", None: "unknown"}
TARGET_WORDS = {True: ("met", "Đạt"), False: ("not_met", "Chưa đạt"), None: ("", "")}


@dataclass(frozen=True)
class Column:
    code: str
    label: str


@dataclass(frozen=True)
class Coded:
    """A cell with a code for scripts and words for people: ``Coded("approved", "Đã duyệt")``."""

    code: str
    words: str


@dataclass(frozen=True)
class Export:
    columns: list[Column]
    rows: Iterable[list]


def safe_cell(value):
    """A cell as a spreadsheet will not run it (OWASP "CSV injection"): text starting with `=`, `+`, `-`, `@`,
    a tab or a carriage return gets a leading `'`; numbers, dates and other text stay as they are, so a negative
    number is still a number."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_export(report: RoundReport) -> Export:
    """The report table: the area, then each child area; numbers as numbers (the percentage is `percent_value`'s
    under the round's percent rule, the same as the page and the API: 1/16 -> 6.3)."""
    columns = [Column("area_code", "Mã địa bàn"), Column("area_name", "Địa bàn"), Column("area_level", "Cấp"),
               Column("denominator", f"Mẫu số (hộ): {DENOMINATOR_SHORT[report.survey_round.denominator]}"),
               Column("list_size", "Danh sách được công nhận (hộ)"), Column("surveyed", "Đã khảo sát (hộ)"),
               Column("counted", "Được tính (hộ)"), Column("coverage_percent", "Bao phủ (%)")]
    for o in report.rollup.total.outcomes:
        columns += [Column(f"{o.id}.count", f"{o.label} — số hộ"),
                    Column(f"{o.id}.population", f"{o.label} — trên số hộ"),
                    Column(f"{o.id}.percent", f"{o.label} — tỷ lệ (%)"),
                    Column(f"{o.id}.target", f"{o.label} — chỉ tiêu"),
                    Column(f"{o.id}.target_met", f"{o.label} — đạt chỉ tiêu")]
    figures = [report.rollup.total, *report.rollup.children]
    return Export(columns, (_figures_row(f, report.percent_rule, report.label(f.area)) for f in figures))


def _figures_row(figures: AreaFigures, rule: PercentRule, label: str) -> list:
    row = [figures.area.code, label, figures.area.level, figures.denominator, figures.listed,
           figures.surveyed, figures.counted, percent_value(figures.counted, figures.listed, *rule)]
    for o in figures.outcomes:
        row += [o.count, o.population, percent_value(o.count, o.population, *rule),
                o.target.text if o.target else "", Coded(*TARGET_WORDS[o.met])]
    return row


def _household_columns(definition: dict) -> list[Column]:
    columns = [Column("household_code", "Mã hộ"), Column("head_name", "Chủ hộ"), Column("ethnic_group", "Dân tộc"),
               Column("village_code", "Mã thôn"), Column("village", "Thôn"), Column("state", "Trạng thái phiếu"),
               Column("in_population", "Thuộc đối tượng")]
    criterion_labels = [c["label"] for o in definition["outcomes"] for c in o["criteria"]]
    for outcome in definition["outcomes"]:
        columns.append(Column(outcome["id"], outcome["label"]))
        for c in outcome["criteria"]:
            # a label two outcomes share ("Thu nhập không vượt chuẩn nghèo") says whose it is
            label = c["label"] if criterion_labels.count(c["label"]) == 1 else f"{c['label']} ({outcome['label']})"
            columns.append(Column(f"{outcome['id']}.{c['id']}", label))
    return columns


def household_export(session: Session, report: RoundReport, area: Area) -> Export:
    """Each counted household of `area` with every outcome and every criterion (in the ruleset's order)."""
    definition = report.version.definition
    return Export(_household_columns(definition), _household_rows(session, report, area, definition))


def _household_rows(session: Session, report: RoundReport, area: Area, definition: dict) -> Iterator[list]:
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
            group = row.ethnic_group_code or ""
            values = [row.code, row.head_name, Coded(group, groups.get(group, group)), row.village_code,
                      row.village, Coded(row.state, review_states.label(row.state)),
                      Coded(HELD_CODES[row.in_population],
                            {True: "Có", False: "Không", None: UNKNOWN_WORD}[row.in_population])]
            for outcome, stored in zip(definition["outcomes"], row.result["o"]):
                values.append(Coded(stored[0], outcome_verdict(outcome["label"], stored[0])))
                held = stored[3]
                values += [Coded(HELD_CODES[held[i]], criterion_verdict(c["label"], held[i])) if i < len(held)
                           else "" for i, c in enumerate(outcome["criteria"])]
            yield values
        last_id = page[-1].id


def _for_people(value):
    if isinstance(value, Coded):
        return value.words
    return value


def _csv_cell(value, for_machines: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Coded):
        return value.code if for_machines else safe_cell(value.words)
    if isinstance(value, (Decimal, float)):
        return str(value) if for_machines else format_plain_decimal(value)
    return safe_cell(value) if isinstance(value, str) else str(value)


def stream_csv(export: Export, *, for_machines: bool = False) -> Iterator[str]:
    """CSV text in chunks. For people: a BOM (so that Excel opens the Vietnamese text as UTF-8), `;`, decimal
    commas, a row of labels then a row of codes. For machines: `,`, decimal dots, one row of codes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if for_machines else ";")
    if for_machines:
        writer.writerow([safe_cell(c.code) for c in export.columns])
    else:
        yield "\ufeff"
        writer.writerow([safe_cell(c.label) for c in export.columns])
        writer.writerow([safe_cell(c.code) for c in export.columns])
    for i, row in enumerate(export.rows, start=1):
        writer.writerow([_csv_cell(value, for_machines) for value in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(value):
    if isinstance(value, Decimal):
        return as_number(value)
    return safe_cell(_for_people(value))


def write_xlsx(export: Export, title: str) -> str:
    """Write the export into a temporary XLSX file (write-only mode) and return its path; the caller streams it
    and removes it. The first sheet holds the labels and the rows, the sheet "Mã cột" each column's code."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    codes = workbook.create_sheet(title=CODES_SHEET)
    codes.append(["Cột", "Tên cột", "Mã cột"])
    for index, column in enumerate(export.columns, start=1):
        codes.append([index, safe_cell(column.label), safe_cell(column.code)])
    sheet.append([safe_cell(c.label) for c in export.columns])
    for row in export.rows:
        sheet.append([_xlsx_cell(value) for value in row])
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
