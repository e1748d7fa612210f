"""Import an XLSForm workbook (.xlsx with survey / choices / settings sheets, as ODK, KoboToolbox and SurveyCTO
authors write them) into the plain data that ``definition_from_data`` accepts.

Everything that cannot be used is named row by row in the returned warnings (Vietnamese); the result is then
validated, and any remaining problem (an unknown function in an expression, a bad name…) is raised as a
DefinitionError whose lines point at worksheet rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_app.core.questionnaire.loader import definition_from_data
from survey_app.core.questionnaire.problems import DefinitionError, DefinitionProblem
from survey_app.core.questionnaire.xlsform_rows import RowLocating
from survey_app.core.questionnaire.xlsform_sheets import Sheet, read_workbook

_SIMPLE_TYPES = {"integer": "integer", "int": "integer", "decimal": "decimal", "text": "text", "string": "text",
                 "date": "date", "note": "note", "calculate": "calculate"}
_SELECT_TYPES = {"select_one": "select_one", "select one": "select_one",
                 "select_multiple": "select_multiple", "select multiple": "select_multiple"}
_STRUCTURE = {"begin group": "begin group", "begin_group": "begin group", "end group": "end group",
              "end_group": "end group", "begin repeat": "begin repeat", "begin_repeat": "begin repeat",
              "end repeat": "end repeat", "end_repeat": "end repeat"}
_METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
             "audit", "start-geopoint", "background-audio"}
_SURVEY_COLUMNS = {"type", "name", "label", "hint", "required", "constraint", "constraint_message", "relevant",
                   "calculation", "default", "repeat_count", "appearance", "read_only", "choice_filter"}
_CHOICE_COLUMNS = {"list_name", "name", "label"}
_SETTINGS_USED = {"form_id", "form_title", "version", "default_language"}
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"no", "false", "false()", "0", ""}
_EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "repeat_count")
DEFAULT_SECTION_LABEL = "Thông tin chung"


def import_xlsform(path: str | Path) -> tuple[dict[str, Any], list[str]]:
    """Return (definition data, warnings). Raises DefinitionError naming the rows that cannot be imported."""
    source = str(path)
    sheets = read_workbook(path)
    importer = _Importer(source, sheets)
    data = importer.run()
    problems = list(importer.problems)
    try:
        definition_from_data(data, source)
    except DefinitionError as exc:
        problems.extend(importer.locate(problem) for problem in exc.problems)
    if problems:
        raise DefinitionError(problems)
    return data, importer.warnings


@dataclass
class _Container:
    kind: str  # "section", "group", "repeat" or "skip" (a block being ignored)
    row: int
    relevant: str | None = None  # group conditions to AND into the children
    questions: list[dict[str, Any]] = field(default_factory=list)
    depth: int = 0  # for a skipped block: groups opened inside it and not yet closed


class _Importer(RowLocating):
    def __init__(self, source: str, sheets: dict[str, Sheet]):
        self.source = source
        self.sheets = sheets
        self.warnings: list[str] = []
        self.problems: list[DefinitionProblem] = []
        self.row_of_node: dict[int, int] = {}  # id(question or section dict) -> survey row
        self.skipped_names: set[str] = set()
        self.sections: list[dict[str, Any]] = []
        self.stack: list[_Container] = []
        self.default_section: dict[str, Any] | None = None
        self.language: str | None = None  # settings default_language, preferred for labels when given
        self.used_names: set[str] = set()  # every name in the survey sheet, to name default sections apart

    def fail(self, where: str | None, message: str) -> None:
        self.problems.append(DefinitionProblem(self.source, where, message))

    def warn(self, sheet: str, row: int, name: str, message: str) -> None:
        label = f" ({name})" if name else ""
        self.warnings.append(f"{sheet} dòng {row}{label}: {message}")

    # -- whole workbook ---------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        survey = self.sheets.get("survey")
        if survey is None:
            self.fail(None, "thiếu trang tính 'survey'")
            return {}
        settings = self.read_settings(self.sheets.get("settings"))
        self.language = settings.pop("default_language", None)
        choices = self.read_choices(self.sheets.get("choices"))
        self.read_survey(survey)
        data: dict[str, Any] = {**settings, "choices": choices, "sections": self.sections}
        if not choices:
            del data["choices"]
        return data

    def read_settings(self, sheet: Sheet | None) -> dict[str, Any]:
        values: dict[str, str] = {}
        if sheet is not None:
            self.warn_unused_columns(sheet, _SETTINGS_USED, "settings")
            row = next(iter(sheet.rows), None)
            if row is not None:
                values = {key: row.text(key) for key in _SETTINGS_USED if row.text(key)}
        stem = Path(self.source).stem
        form_id = values.get("form_id") or stem
        slug = re.sub(r"[^a-z0-9_]+", "_", form_id.lower()).strip("_") or "bieu_mau"
        if not slug[0].isalpha():
            slug = f"bieu_mau_{slug}"
        if slug != values.get("form_id"):
            self.warnings.append(f"settings: form_id '{values.get('form_id', '')}' được đổi thành '{slug}'")
        if not values.get("version"):
            self.warnings.append("settings: thiếu version, dùng '1'")
        result = {"form_id": slug, "title": values.get("form_title") or slug, "version": values.get("version") or "1"}
        if values.get("default_language"):
            result["default_language"] = values["default_language"]
        return result

    def read_choices(self, sheet: Sheet | None) -> dict[str, list[dict[str, str]]]:
        lists: dict[str, list[dict[str, str]]] = {}
        if sheet is None:
            return lists
        self.warn_unused_columns(sheet, _CHOICE_COLUMNS | {"value"}, "choices")
        for row in sheet.rows:
            list_name = row.text("list_name")
            name = row.text("name") or row.text("value")
            if not list_name and not name:
                continue
            label = row.translated("label", self.language) or name
            lists.setdefault(list_name, []).append({"name": name, "label": label})
        return lists

    def warn_unused_columns(self, sheet: Sheet, used: set[str], sheet_name: str) -> None:
        for column, rows in sheet.unknown_columns(used).items():
            shown = ", ".join(str(row) for row in rows[:5]) + (", …" if len(rows) > 5 else "")
            self.warnings.append(f"{sheet_name} cột '{column}': chưa được hỗ trợ, đã bỏ qua (dòng {shown})")

    # -- survey sheet -----------------------------------------------------------------------------------------
    def read_survey(self, sheet: Sheet) -> None:
        self.warn_unused_columns(sheet, _SURVEY_COLUMNS, "survey")
        self.used_names = {row.text("name") for row in sheet.rows}
        for row in sheet.rows:
            raw_type = " ".join(row.text("type").split())
            name = row.text("name")
            if self.stack and self.stack[-1].kind == "skip":
                self.skip_inside(raw_type, row.number)
                continue
            if not raw_type:
                if name:
                    self.warn("survey", row.number, name, "thiếu kiểu (type), đã bỏ qua")
                continue
            structure = _STRUCTURE.get(raw_type.lower())
            if structure is not None:
                self.structure(structure, row, name)
            else:
                self.question(raw_type, row, name)
        for container in self.stack:
            opened = "begin repeat" if container.kind == "repeat" else "begin group"
            self.fail(f"survey dòng {container.row}", f"nhóm ({opened}) không được đóng")
        self.stack.clear()
        self.close_default_section()
        self.sections = [section for section in self.sections if self.keep_section(section)]

    def skip_inside(self, raw_type: str, row: int) -> None:
        structure = _STRUCTURE.get(raw_type.lower())
        container = self.stack[-1]
        if structure in ("begin group", "begin repeat"):
            container.depth += 1
        elif structure in ("end group", "end repeat"):
            if container.depth:
                container.depth -= 1
            else:
                self.stack.pop()

    def structure(self, kind: str, row: Any, name: str) -> None:
        if kind.startswith("begin"):
            self.begin(kind, row, name)
            return
        expected = "repeat" if kind == "end repeat" else ("group", "section")
        if not self.stack or self.stack[-1].kind not in expected:
            self.fail(f"survey dòng {row.number}", f"'{kind}' không khớp với nhóm đang mở")
            return
        self.stack.pop()

    def begin(self, kind: str, row: Any, name: str) -> None:
        relevant = self.expression(row, "relevant", name)
        if kind == "begin repeat" and self.inside_repeat():
            self.warn("survey", row.number, name, "nhóm lặp lồng trong nhóm lặp chưa được hỗ trợ, đã bỏ qua cả nhóm")
            self.stack.append(_Container("skip", row.number))
            self.skipped_names.add(name)
            return
        if kind == "begin repeat":
            repeat: dict[str, Any] = {"name": name, "type": "repeat", "label": self.label(row, name)}
            self.copy_text(row, repeat, "hint")
            combined = _and(self.group_condition(), relevant)
            if combined:
                repeat["relevant"] = combined
            count = self.expression(row, "repeat_count", name)
            if count:
                repeat["repeat_count"] = count
            self.row_of_node[id(repeat)] = row.number
            self.append(repeat)
            self.stack.append(_Container("repeat", row.number, questions=repeat.setdefault("questions", [])))
            return
        if not self.stack:
            self.close_default_section()
            section: dict[str, Any] = {"name": name, "label": self.label(row, name)}
            if relevant:
                section["relevant"] = relevant
            section["questions"] = []
            self.row_of_node[id(section)] = row.number
            self.sections.append(section)
            self.stack.append(_Container("section", row.number, questions=section["questions"]))
            return
        self.stack.append(_Container("group", row.number, relevant=relevant))

    def inside_repeat(self) -> bool:
        return any(container.kind == "repeat" for container in self.stack)

    def group_condition(self) -> str | None:
        """AND of the relevant of the nested groups between the current section/repeat and here."""
        condition = None
        for container in self.stack:
            if container.kind in ("section", "repeat"):
                condition = None
            elif container.relevant:
                condition = _and(condition, container.relevant)
        return condition

    def append(self, question: dict[str, Any]) -> None:
        for container in reversed(self.stack):
            if container.kind in ("section", "repeat"):
                container.questions.append(question)
                return
        if self.default_section is None:
            taken = self.used_names | {section["name"] for section in self.sections}
            name = next(candidate for number in range(1, len(taken) + 2)
                        if (candidate := "phan_chung" if number == 1 else f"phan_chung_{number}") not in taken)
            self.default_section = {"name": name, "label": DEFAULT_SECTION_LABEL, "questions": []}
            self.sections.append(self.default_section)
        self.default_section["questions"].append(question)

    def close_default_section(self) -> None:
        self.default_section = None

    def keep_section(self, section: dict[str, Any]) -> bool:
        section["questions"] = [question for question in section["questions"] if self.keep_question(question)]
        if section["questions"]:
            return True
        row = self.row_of_node.get(id(section))
        if row is not None:
            self.warn("survey", row, section["name"], "nhóm không còn câu hỏi nào được hỗ trợ, đã bỏ qua")
        return False

    def keep_question(self, question: dict[str, Any]) -> bool:
        if question.get("type") != "repeat" or question["questions"]:
            return True
        self.warn("survey", self.row_of_node[id(question)], question["name"],
                  "nhóm lặp không còn câu hỏi nào được hỗ trợ, đã bỏ qua")
        self.skipped_names.add(question["name"])
        return False

    # -- one question row -------------------------------------------------------------------------------------
    def question(self, raw_type: str, row: Any, name: str) -> None:
        kind = self.question_type(raw_type, row, name)
        if kind is None:
            self.skipped_names.add(name)
            return
        question: dict[str, Any] = {"name": name, "type": kind}
        base = kind.split()[0]
        label = self.label(row, None)
        if not label and base != "calculate":
            self.warn("survey", row.number, name, "thiếu nhãn (label), dùng tên câu làm nhãn")
            label = name
        if label:
            question["label"] = label
        self.copy_text(row, question, "hint")
        relevant = _and(self.group_condition(), self.expression(row, "relevant", name))
        if relevant:
            question["relevant"] = relevant
        if base == "calculate":
            calculation = self.expression(row, "calculation", name)
            if calculation is None:
                self.warn("survey", row.number, name, "câu tính toán không có calculation dùng được, đã bỏ qua")
                self.skipped_names.add(name)
                return
            question["calculation"] = calculation
        elif row.text("calculation"):
            self.warn("survey", row.number, name, f"calculation trên câu kiểu '{base}' chưa được hỗ trợ, đã bỏ qua")
        if base not in ("note", "calculate"):
            self.answer_attributes(row, name, question)
        if row.text("choice_filter"):
            self.warn("survey", row.number, name, "choice_filter chưa được hỗ trợ, đã bỏ qua (hiện mọi lựa chọn)")
        if row.text("appearance") and base != "calculate":
            question["appearance"] = row.text("appearance")
        self.row_of_node[id(question)] = row.number
        self.append(question)

    def question_type(self, raw_type: str, row: Any, name: str) -> str | None:
        lowered = raw_type.lower()
        if lowered in _SIMPLE_TYPES:
            return _SIMPLE_TYPES[lowered]
        for prefix, kind in _SELECT_TYPES.items():
            if lowered.startswith(prefix + " "):
                words = raw_type[len(prefix):].split()
                if words[1:] == ["or_other"]:
                    self.warn("survey", row.number, name, "or_other chưa được hỗ trợ, đã bỏ qua lựa chọn 'khác'")
                elif len(words) != 1:
                    break
                return f"{kind} {words[0]}"
        if lowered in _METADATA:
            self.warn("survey", row.number, name, f"trường siêu dữ liệu '{raw_type}' chưa được hỗ trợ, đã bỏ qua")
        else:
            self.warn("survey", row.number, name, f"kiểu '{raw_type}' chưa được hỗ trợ, đã bỏ qua")
        return None

    def answer_attributes(self, row: Any, name: str, question: dict[str, Any]) -> None:
        required = row.text("required")
        if required.lower() in _TRUE:
            question["required"] = True
        elif required.lower() not in _FALSE:
            expression = self.expression(row, "required", name)
            if expression:
                question["required"] = expression
        constraint = self.expression(row, "constraint", name)
        if constraint:
            question["constraint"] = constraint
            self.copy_text(row, question, "constraint_message")
        if row.text("default"):
            question["default"] = row.text("default")
        read_only = row.text("read_only")
        if read_only.lower() in _TRUE:
            question["read_only"] = True
        elif read_only.lower() not in _FALSE:
            self.warn("survey", row.number, name, "read_only dạng biểu thức chưa được hỗ trợ, đã bỏ qua")

    def label(self, row: Any, fallback: str | None) -> str | None:
        return row.translated("label", self.language) or fallback

    def copy_text(self, row: Any, target: dict[str, Any], column: str) -> None:
        text = row.translated(column, self.language)
        if text:
            target[column] = text

    def expression(self, row: Any, column: str, name: str) -> str | None:
        text = row.text(column)
        if not text:
            return None
        if "jr:" in text:
            self.warn("survey", row.number, name, f"{column} dùng hàm 'jr:' chưa được hỗ trợ, đã bỏ qua {column}")
            return None
        return text


def _and(first: str | None, second: str | None) -> str | None:
    if first and second:
        return f"({first}) and ({second})"
    return first or second
