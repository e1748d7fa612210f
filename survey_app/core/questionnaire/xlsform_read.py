"""Reading an XLSForm workbook with pyxform, the reference converter of the XLSForm standard.

pyxform reads ``.xlsx``, ``.xls`` and ``.csv`` workbooks with every legacy spelling (``select one from x``,
``begin loop``, ``bind:relevant``, ``label:English``), expands ``or_other`` and checks the workbook as ODK would.
Its parsed form (the JSON dict of ``workbook_to_json``) carries no worksheet rows, so ``SurveyRows`` keeps the rows
of the survey sheet by name to point every message at the row the author wrote.
"""

from __future__ import annotations

import copy
import re
import warnings as python_warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from survey_app.core.questionnaire.problems import DefinitionError, DefinitionProblem

_PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_SHEET = re.compile(r"'(survey|choices|settings|external_choices|entities)' sheet")


@dataclass
class SurveyRows:
    """Worksheet row numbers of the survey sheet's named rows, handed out in document order."""

    by_name: dict[str, list[int]] = field(default_factory=dict)
    cells: dict[int, dict[str, str]] = field(default_factory=dict)  # row -> its cells as written
    taken: dict[str, int] = field(default_factory=dict)

    def next_row(self, name: str) -> int | None:
        rows = self.by_name.get(name, [])
        index = self.taken.get(name, 0)
        if index >= len(rows):
            return rows[-1] if rows else None
        self.taken[name] = index + 1
        return rows[index]


@dataclass
class ParsedWorkbook:
    form: dict[str, Any]  # pyxform's parsed form
    rows: SurveyRows
    notes: list[str]  # pyxform's own warnings
    settings: dict[str, str]  # the settings row as written (pyxform straightens its “quotes” whatever the setting)
    choice_cells: dict[tuple[str, str], dict[str, str]]  # (list_name, name) -> the choice row as written


def read_xlsform(path: str | Path) -> ParsedWorkbook:
    """Parse a workbook with pyxform. Raises DefinitionError (Vietnamese, with pyxform's row) when it refuses."""
    source = str(path)
    notes: list[str] = []
    try:
        with python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore")  # openpyxl's notes on workbook properties, not the form
            workbook = get_xlsform(xlsform=source)
            form = workbook_to_json(workbook_dict=workbook, form_name=None,
                                    fallback_form_name=workbook.fallback_form_name, warnings=notes)
            # pyxform's own last checks (references, paths, cycles) run when it writes the XForm
            create_survey_element_from_dict(copy.deepcopy(form)).to_xml(validate=False, warnings=notes)
    except PyXFormError as exc:
        raise DefinitionError([refusal(source, str(exc))]) from exc
    except Exception as exc:  # noqa: BLE001 - a third-party reader on an uploaded file: any failure is a refusal
        message = f"không đọc được tệp XLSForm (.xlsx, .xls hoặc .csv): {type(exc).__name__}: {exc}"
        raise DefinitionError([DefinitionProblem(source, None, message)]) from exc
    settings = {str(key).strip(): str(value).strip() for key, value in (workbook.settings or [{}])[0].items()}
    choice_cells = {}
    for row in workbook.choices or ():
        cells = _cells(row)
        choice_cells.setdefault((cells.get("list_name", ""), cells.get("name", "")), cells)
    return ParsedWorkbook(form, survey_rows(workbook.survey or ()), [f"pyxform: {note}" for note in notes], settings,
                          choice_cells)


def _cells(row: dict[str, Any]) -> dict[str, str]:
    return {str(key).strip().lower(): str(value).strip() for key, value in row.items()}


def refusal(source: str, message: str) -> DefinitionProblem:
    """pyxform's refusal, placed at its sheet and row, introduced in Vietnamese (its own text is English)."""
    first = message.strip().splitlines()[0] if message.strip() else message
    row = _PYXFORM_ROW.search(first)
    sheet = _SHEET.search(first)
    where = None
    if row:
        where = f"{sheet.group(1) if sheet else 'survey'} dòng {row.group(1)}"
    text = _PYXFORM_ROW.sub("", message).strip()
    return DefinitionProblem(source, where, f"tệp không đúng chuẩn XLSForm, pyxform từ chối: {text}")


def survey_rows(rows: Any) -> SurveyRows:
    """pyxform keeps blank rows in the sheet data so that row numbers stay true: the header is row 1."""
    found = SurveyRows()
    for index, row in enumerate(rows, start=2):
        found.cells[index] = _cells(row)
        name = found.cells[index].get("name", "")
        if name:
            found.by_name.setdefault(name, []).append(index)
    return found
