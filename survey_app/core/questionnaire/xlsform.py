"""Import an XLSForm workbook (ODK, KoboToolbox, SurveyCTO; .xlsx, .xls or .csv) into the plain data that
``definition_from_data`` accepts.

pyxform reads the workbook (``xlsform_read``); this module translates its parsed form. What our definitions cannot
reproduce is a *difference* (``xlsform_issues``): a strict import refuses the workbook naming each one by sheet,
row and column; ``lenient=True`` drops them and lists every one dropped. Metadata no formula uses (``start``,
``deviceid``…) and settings that do not change the answers are listed as notes and not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey_app.core.expressions import ExpressionError, parse
from survey_app.core.questionnaire.loader import NAME_PATTERN, definition_from_data
from survey_app.core.questionnaire.problems import DefinitionError, DefinitionProblem
from survey_app.core.questionnaire.xlsform_attributes import FORM_KEYS, RowAttributes, all_names, referenced_names
from survey_app.core.questionnaire.xlsform_export import (
    PREFILL_SETTINGS,
    QUALITY_PREFIX,
    prefill_from_settings,
    quality_from_settings,
)
from survey_app.core.questionnaire.xlsform_issues import Differences
from survey_app.core.questionnaire.xlsform_paths import PathProblem, normalise
from survey_app.core.questionnaire.xlsform_read import read_xlsform
from survey_app.core.questionnaire.xlsform_rows import RowLocating
from survey_app.core.questionnaire.xlsform_texts import Texts

ANSWER_TYPES = {"text": "text", "string": "text", "integer": "integer", "int": "integer", "decimal": "decimal",
                "date": "date"}
PLAIN_TYPES = {**ANSWER_TYPES, "note": "note", "calculate": "calculate"}
SELECT_TYPES = {"select one": "select_one", "select all that apply": "select_multiple"}
METADATA = {"start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber", "username", "email",
            "audit", "start-geopoint", "background-audio", "uri:deviceid", "uri:username", "uri:email",
            "uri:phonenumber", "uri:subscriberid", "uri:simserial"}
DEFAULT_SECTION_LABEL = "Thông tin chung"


class XLSFormRefused(DefinitionError):
    """A refused import; ``warnings`` keeps what the import had noted before it was refused."""

    def __init__(self, problems: list[DefinitionProblem], warnings: list[str]):
        super().__init__(problems)
        self.warnings = warnings


def import_xlsform(path: str | Path, *, lenient: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Return (definition data, warnings). Raises XLSFormRefused naming every row that cannot be reproduced."""
    source = str(path)
    parsed = read_xlsform(path)
    translator = _Translator(source, parsed.form, parsed.rows, parsed.settings, parsed.choice_cells)
    data = translator.run()
    warnings = parsed.notes + translator.notes
    differences = translator.differences
    if lenient:
        warnings += differences.dropped()
    elif differences.items:
        raise XLSFormRefused(differences.problems(), warnings)
    if not data["sections"]:
        raise XLSFormRefused([DefinitionProblem(source, "survey", "không còn câu hỏi nào nhập được")], warnings)
    try:
        definition_from_data(data, source)
    except DefinitionError as exc:
        raise XLSFormRefused([translator.locate(problem) for problem in exc.problems], warnings) from exc
    return data, warnings


@dataclass
class _Formula:
    """An expression attribute kept on ``node``; checked once every question is known."""

    node: dict[str, Any]
    key: str
    row: int | None
    column: str
    references: frozenset[str]


@dataclass
class _Place:
    questions: list[dict[str, Any]]  # where the next question goes
    relevant: str | None = None  # groups' conditions to AND into each question
    in_repeat: bool = False


@dataclass
class _Translator(RowLocating, RowAttributes):
    source: str
    form: dict[str, Any]
    rows: Any
    written_settings: dict[str, str]
    choice_cells: dict[tuple[str, str], dict[str, str]]
    notes: list[str] = field(default_factory=list)
    sections: list[dict[str, Any]] = field(default_factory=list)
    row_of_node: dict[int, int] = field(default_factory=dict)
    formulas: list[_Formula] = field(default_factory=list)
    owners: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # id(question) -> list holding it
    claimed: dict[str, int | None] = field(default_factory=dict)  # name -> its row

    def __post_init__(self) -> None:
        self.differences = Differences(self.source)
        self.texts = Texts(self.form, self.differences)
        self.names = set(all_names(self.form))
        self.referenced = referenced_names(self.form)
        self.default_section: dict[str, Any] | None = None

    @property
    def skipped_names(self) -> set[str]:
        return set(self.differences.by_dropped_name)

    def run(self) -> dict[str, Any]:
        data: dict[str, Any] = self.settings()
        choices = self.choices()
        for child in self.form.get("children", []):
            if _is_generated_meta(child):
                self.note_meta(child)
                continue
            if child["type"] in METADATA and child["name"] not in self.referenced:
                self.metadata(child, _Place([]))
            elif child["type"] == "group":
                self.default_section = None
                self.section(child)
            else:
                self.element(child, _Place(self.default_questions()))
        self.check_formulas()
        self.sections = [section for section in self.sections if section["questions"]]
        if choices:
            data["choices"] = choices
        data["sections"] = self.sections
        prefills = prefill_from_settings(self.form)
        for question in (question for section in self.sections for question in section["questions"]):
            if question["name"] in prefills:
                question["prefill"] = prefills[question["name"]]
        return data

    def note_meta(self, meta: dict[str, Any]) -> None:
        for child in meta.get("children", []):
            if "jr:preload" not in (child.get("bind") or {}):
                row = self.rows.next_row(child["name"])
                self.notes.append(f"survey dòng {row} ({child['name']}): trường meta không lưu thành câu trả lời "
                                  "(tên hiển thị của phiếu do máy chủ đặt)")

    # -- form and choices ----------------------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        form_id = str(self.form.get("id_string") or Path(self.source).stem)
        slug = re.sub(r"[^a-z0-9_]+", "_", form_id.lower()).strip("_") or "bieu_mau"
        slug = slug if slug[0].isalpha() else f"bieu_mau_{slug}"
        if slug != form_id:
            self.notes.append(f"settings: form_id '{form_id}' được đổi thành '{slug}'")
        version = str(self.form.get("version") or "")
        if not version:
            self.notes.append("settings: thiếu version, dùng '1'")
        exported = {"description", *PREFILL_SETTINGS, *(key for key in self.form if key.startswith(QUALITY_PREFIX))}
        for key in sorted(set(self.form) - FORM_KEYS - exported):
            self.notes.append(f"settings: '{key}' không ảnh hưởng tới câu trả lời ở máy chủ này, đã bỏ qua")
        title = self.written_settings.get("form_title") or str(self.form.get("title") or slug)
        result = {"form_id": slug, "title": title, "version": version or "1"}
        if self.form.get("description"):
            result["description"] = self.written_settings.get("description") or str(self.form["description"])
        if quality := quality_from_settings(self.form):
            result["quality"] = quality
        return result

    def choices(self) -> dict[str, list[dict[str, str]]]:
        lists: dict[str, list[dict[str, str]]] = {}
        for list_name, items in (self.form.get("choices") or {}).items():
            entries = []
            for item in items:
                name = str(item.get("name", ""))
                if item.get("media"):
                    self.differences.add("choices", None, "media", f"{list_name}/{name}",
                                         "lựa chọn có ảnh/âm thanh (media) chưa được hỗ trợ; xóa cột media")
                self.texts.written = self.choice_cells.get((str(list_name), name), {})
                entries.append({"name": name, "label": self.texts.pick(item.get("label")) or name})
            lists[str(list_name)] = entries
        return lists

    # -- structure ---------------------------------------------------------------------------------------------
    def default_questions(self) -> list[dict[str, Any]]:
        if self.default_section is None:
            taken = self.names | {section["name"] for section in self.sections}
            name = next(candidate for number in range(1, len(taken) + 2)
                        if (candidate := "phan_chung" if number == 1 else f"phan_chung_{number}") not in taken)
            self.default_section = {"name": name, "label": DEFAULT_SECTION_LABEL, "questions": []}
            self.sections.append(self.default_section)
        return self.default_section["questions"]

    def section(self, group: dict[str, Any]) -> None:
        name, row = self.claim(group)
        section: dict[str, Any] = {"name": name, "label": self.texts.pick(group.get("label")) or name}
        self.formula(section, "relevant", row, "relevant", (group.get("bind") or {}).get("relevant"))
        self.unsupported_attributes(group, row, name, {"relevant"})
        section["questions"] = []
        self.row_of_node[id(section)] = row
        self.sections.append(section)
        place = _Place(section["questions"])
        for child in group.get("children", []):
            self.element(child, place)

    def element(self, element: dict[str, Any], place: _Place) -> None:
        kind = element["type"]
        if kind == "group":
            self.nested_group(element, place)
        elif kind == "repeat":
            self.repeat(element, place)
        else:
            self.question(element, place)

    def nested_group(self, group: dict[str, Any], place: _Place) -> None:
        """A group inside a section or a repeat: its questions join the section, its condition theirs."""
        name, row = self.claim(group, question=False)
        self.unsupported_attributes(group, row, name, {"relevant"})
        condition = self.clean_formula((group.get("bind") or {}).get("relevant"), row, "relevant")
        inner = _Place(place.questions, _and(place.relevant, condition), place.in_repeat)
        for child in group.get("children", []):
            self.element(child, inner)

    def repeat(self, element: dict[str, Any], place: _Place) -> None:
        name, row = self.claim(element)
        if place.in_repeat:
            owner = self.differences.drop_question(row, name, "nhóm lặp lồng trong nhóm lặp chưa được hỗ trợ; "
                                                   "tách thành một nhóm lặp riêng")
            self.drop_children(element, owner)
            return
        repeat: dict[str, Any] = {"name": name, "type": "repeat",
                                  "label": self.texts.pick(element.get("label")) or name}
        self.copy_text(element, repeat, "hint")
        self.place_relevant(repeat, element, row, place)
        count = (element.get("control") or {}).get("jr:count")
        self.formula(repeat, "repeat_count", row, "repeat_count", count)
        self.unsupported_attributes(element, row, name, {"relevant"}, {"jr:count"})
        repeat["questions"] = []
        self.keep(repeat, row, place)
        inner = _Place(repeat["questions"], None, True)
        for child in element.get("children", []):
            self.element(child, inner)
        if not repeat["questions"]:
            place.questions.remove(repeat)

    def drop_children(self, element: dict[str, Any], owner: Any) -> None:
        """The questions of a dropped block are dropped with it; formulas naming them fold into its line."""
        for child in element.get("children", []):
            name = child.get("name")
            if name:
                self.rows.next_row(name)
                self.claimed.setdefault(name, None)
                self.differences.by_dropped_name.setdefault(name, owner)
            self.drop_children(child, owner)

    # -- questions ---------------------------------------------------------------------------------------------
    def question(self, element: dict[str, Any], place: _Place) -> None:
        kind = element["type"]
        if kind in METADATA:
            self.metadata(element, place)
            return
        name, row = self.claim(element)
        select, list_name = _select_type(kind, element)
        if select and list_name in (self.form.get("choices") or {}):
            our_type = f"{select} {list_name}"
        elif kind in PLAIN_TYPES:
            our_type = PLAIN_TYPES[kind]
        else:
            self.differences.drop_question(row, name, f"kiểu câu '{kind}' chưa được hỗ trợ; đổi sang kiểu khác "
                                           "(text, integer, decimal, date, select_one, select_multiple, note, "
                                           "calculate) hoặc xóa dòng")
            return
        question: dict[str, Any] = {"name": name, "type": our_type}
        label = self.texts.pick(element.get("label"))
        if label or our_type != "calculate":
            question["label"] = label or name
        self.copy_text(element, question, "hint")
        self.place_relevant(question, element, row, place)
        self.binds(element, question, row, our_type.split()[0])
        self.details(element, question, row)
        if our_type == "calculate" and "calculation" not in question:
            self.differences.drop_question(row, name, "câu calculate không có công thức dùng được",
                                           column="calculation")
            return
        self.keep(question, row, place)

    def metadata(self, element: dict[str, Any], place: _Place) -> None:
        name = element["name"]
        row = self.rows.next_row(name)
        if name not in self.referenced:
            self.notes.append(f"survey dòng {row} ({name}): siêu dữ liệu '{element['type']}' không lưu thành câu "
                              "trả lời (máy chủ tự ghi người gửi và thời điểm gửi)")
            return
        if element["type"] == "today":
            self.claimed[name] = row
            self.keep({"name": name, "type": "calculate", "calculation": "today()"}, row, place)
            return
        self.claimed[name] = row
        self.differences.drop_question(row, name, f"siêu dữ liệu '{element['type']}' được dùng trong công thức "
                                       "nhưng chưa được hỗ trợ; bỏ các công thức dùng nó")

    # -- helpers ---------------------------------------------------------------------------------------------
    def claim(self, element: dict[str, Any], question: bool = True) -> tuple[str, int | None]:
        name = str(element["name"])
        row = self.rows.next_row(name)
        self.texts.written = self.rows.cells.get(row, {})
        if name in self.claimed:
            first = self.claimed[name]
            self.differences.add("survey", row, "name", name, f"tên '{name}' đã dùng ở dòng {first}; các câu hỏi "
                                 "phải có tên khác nhau trong cả biểu mẫu, hãy đổi tên")
        elif not NAME_PATTERN.match(name):
            self.differences.add("survey", row, "name", name, f"tên '{name}' chỉ được có chữ không dấu, số và "
                                 f"'_' (ví dụ '{re.sub(r'[^A-Za-z0-9_]', '_', name)}')")
        if question or name not in self.claimed:
            self.claimed.setdefault(name, row)
        return name, row

    def keep(self, node: dict[str, Any], row: int | None, place: _Place) -> None:
        if row is not None:
            self.row_of_node[id(node)] = row
        place.questions.append(node)
        self.owners[id(node)] = place.questions

    def place_relevant(self, node: dict[str, Any], element: dict[str, Any], row: int | None, place: _Place) -> None:
        own = self.clean_formula((element.get("bind") or {}).get("relevant"), row, "relevant")
        self.formula(node, "relevant", row, "relevant", _and(place.relevant, own), clean=False)

    def copy_text(self, element: dict[str, Any], target: dict[str, Any], key: str) -> None:
        text = self.texts.pick(element.get(key))
        if text:
            target[key] = text

    def clean_formula(self, value: Any, row: int | None, column: str) -> str | None:
        if value in (None, ""):
            return None
        try:
            return normalise(str(value), self.names, str(self.form.get("name", "data")))
        except PathProblem as exc:
            self.differences.add("survey", row, column, None, str(exc))
            return None

    def formula(self, node: dict[str, Any], key: str, row: int | None, column: str, value: Any,
                clean: bool = True) -> str | None:
        text = self.clean_formula(value, row, column) if clean else value
        if not text:
            return None
        try:
            expression = parse(text)
        except ExpressionError as exc:
            self.differences.add("survey", row, column, node.get("name"),
                                 f"công thức '{text}' không dùng được: {exc}")
            return None
        node[key] = text
        self.formulas.append(_Formula(node, key, row, column, frozenset(expression.references)))
        return text

    def check_formulas(self) -> None:
        """Formulas naming a dropped question are dropped with it (folded into its line), then the question
        they belonged to, if it was a calculation, and so on until nothing changes."""
        changed = True
        while changed:
            changed = False
            kept = {name for name, _ in self.claimed.items()} - self.skipped_names
            for formula in self.formulas:
                if formula.key not in formula.node:
                    continue
                missing = sorted(formula.references - kept)
                if not missing:
                    continue
                del formula.node[formula.key]
                if not self.differences.follow(missing[0], formula.row, formula.column):
                    self.differences.add("survey", formula.row, formula.column, formula.node.get("name"),
                                         f"công thức nhắc tới '{missing[0]}' nhưng không có câu nào tên này")
                if formula.key == "calculation" and id(formula.node) in self.owners:
                    self.owners.pop(id(formula.node)).remove(formula.node)
                    self.differences.by_dropped_name[formula.node["name"]] = self.differences.items[-1]
                changed = True


def _select_type(kind: str, element: dict[str, Any]) -> tuple[str | None, str | None]:
    """pyxform's select types, and the old ``select one from LIST`` spelling it passes through as written."""
    lowered = " ".join(kind.lower().split())
    if lowered in SELECT_TYPES:
        return SELECT_TYPES[lowered], element.get("list_name")
    for spelled, ours in SELECT_TYPES.items():
        if lowered.startswith(f"{spelled} from "):
            return ours, kind.split()[-1]
    return None, None


def _is_generated_meta(element: dict[str, Any]) -> bool:
    """pyxform's bodyless ``meta`` group: the instanceID it adds, and the instanceName some authors put there."""
    return element.get("name") == "meta" and bool((element.get("control") or {}).get("bodyless"))


def _and(first: str | None, second: str | None) -> str | None:
    return f"({first}) and ({second})" if first and second else first or second
