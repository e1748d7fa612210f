"""Reading XLSForm worksheets: header lookup by column name (case- and space-insensitive), language variants
(``label::Vietnamese (vi)``) and cell values as trimmed text."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from survey_app.core.questionnaire.problems import DefinitionError, DefinitionProblem

_VIETNAMESE = re.compile(r"\(vi\)|vietnamese|tiếng việt|^vi$", re.IGNORECASE)


def read_workbook(path: str | Path) -> dict[str, Sheet]:
    """All worksheets by lower-cased name. Raises DefinitionError when the file is not a readable .xlsx."""
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DefinitionError([DefinitionProblem(str(path), None, f"không đọc được tệp Excel .xlsx ({exc})")]) from exc
    try:
        return {worksheet.title.strip().lower(): _sheet(worksheet) for worksheet in workbook.worksheets}
    finally:
        workbook.close()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass(frozen=True)
class Column:
    header: str
    base: str  # normalised name before '::', e.g. "label", "constraint_message"
    language: str | None  # text after '::', e.g. "Vietnamese (vi)"


@dataclass(frozen=True)
class Row:
    number: int  # 1-based worksheet row, as Excel shows it
    cells: dict[str, str]  # header -> text
    sheet: Sheet = field(repr=False, compare=False)

    def text(self, base: str) -> str:
        """The value of the plain (language-less) column, else of the first language variant."""
        columns = self.sheet.by_base.get(base, [])
        plain = [column for column in columns if column.language is None]
        for column in plain or columns[:1]:
            return self.cells.get(column.header, "")
        return ""

    def translated(self, base: str, preferred: str | None = None) -> str:
        """First non-empty text among: the preferred language, Vietnamese, no language, any other language."""
        for column in self.sheet.language_order(base, preferred):
            value = self.cells.get(column.header, "")
            if value:
                return value
        return ""


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[Row]

    @cached_property
    def by_base(self) -> dict[str, list[Column]]:
        grouped: dict[str, list[Column]] = {}
        for column in self.columns:
            grouped.setdefault(column.base, []).append(column)
        return grouped

    def language_order(self, base: str, preferred: str | None) -> list[Column]:
        columns = self.by_base.get(base, [])

        def rank(column: Column) -> int:
            if preferred and column.language == preferred:
                return 0
            if column.language and _VIETNAMESE.search(column.language):
                return 1
            return 2 if column.language is None else 3

        return sorted(columns, key=rank)

    def unknown_columns(self, used: set[str]) -> dict[str, list[int]]:
        """Headers outside ``used`` that hold a value, with the rows where they do."""
        found: dict[str, list[int]] = {}
        for column in self.columns:
            if column.base in used:
                continue
            rows = [row.number for row in self.rows if row.cells.get(column.header)]
            if rows:
                found[column.header] = rows
        return found


def _sheet(worksheet: Any) -> Sheet:
    rows_iter = worksheet.iter_rows(values_only=True)
    header_cells = next(rows_iter, ())
    columns: list[tuple[int, Column]] = []
    for index, value in enumerate(header_cells):
        header = cell_text(value)
        if not header:
            continue
        base, _, language = header.partition("::")
        normalised = re.sub(r"\s+", "_", base.strip().lower())
        columns.append((index, Column(header, normalised, language.strip() or None)))
    sheet = Sheet([column for _, column in columns], [])
    for number, values in enumerate(rows_iter, start=2):
        cells = {column.header: cell_text(values[index]) for index, column in columns if index < len(values)}
        if any(cells.values()):
            sheet.rows.append(Row(number, cells, sheet))
    return sheet
