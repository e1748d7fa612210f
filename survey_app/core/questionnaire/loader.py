"""Load and validate questionnaire definitions (YAML files or plain data), reporting every problem at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from survey_app.core.config_files import StrictYamlLoader, read_yaml
from survey_app.core.expressions import ExpressionError, parse, reference_position
from survey_app.core.questionnaire.graph import evaluation_order
from survey_app.core.questionnaire.model import (
    ANSWER_TYPES,
    PREFILL_SOURCES,
    QUESTION_TYPES,
    SELECT_TYPES,
    Choice,
    Definition,
    Question,
    Rule,
    Section,
)
from survey_app.core.questionnaire.problems import (
    DefinitionError,
    DefinitionProblem,
    choice_list_place,
    question_place,
    section_place,
)
from survey_app.core.questionnaire.quality import read_quality
from survey_app.core.questionnaire.values import AnswerValueError, coerce_value

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FORM_ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_LABEL_REFERENCE = re.compile(r"\$\{([^}]*)\}")

_TOP_KEYS = {"form_id", "title", "version", "description", "choices", "sections", "quality"}
_SECTION_KEYS = {"name", "label", "relevant", "questions"}
_COMMON_KEYS = {"name", "type", "label", "hint", "relevant", "appearance"}
_ANSWER_KEYS = {"required", "required_message", "constraint", "constraint_message", "default", "read_only", "prefill"}
_KEYS_BY_TYPE = {
    **{kind: _COMMON_KEYS | _ANSWER_KEYS for kind in ANSWER_TYPES},
    "note": _COMMON_KEYS,
    "calculate": {"name", "type", "label", "hint", "relevant", "calculation"},
    "repeat": _COMMON_KEYS | {"repeat_count", "questions"},
}
_TEXT_KEYS = ("label", "hint", "constraint_message", "required_message", "appearance")
_NON_STRING_HINT = ("phải là chuỗi (YAML đọc giá trị không có dấu nháy như yes/no/on/số thành kiểu khác, "
                    "hãy đặt trong dấu nháy)")


def load_definition(path: str | Path) -> Definition:
    """Read and validate one YAML questionnaire. Raises DefinitionError listing every problem."""
    source = str(path)
    data = read_yaml(path, StrictYamlLoader, DefinitionProblem, DefinitionError)
    return definition_from_data(data, source)


def definition_from_data(data: Any, source: str) -> Definition:
    """Validate plain data (as read from YAML or built by the XLSForm importer) into a Definition."""
    return _Builder(source).build(data)


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.problems: list[DefinitionProblem] = []
        self.choice_lists: dict[str, tuple[Choice, ...]] = {}
        self.questions: dict[str, Question] = {}
        self.section_names: set[str] = set()
        self.claimed_names: set[str] = set()
        self.text_references: list[tuple[str, str, str]] = []  # (question, attribute, referenced name)
        self.prefill_sources: dict[str, str] = {}  # register field → the question prefilled from it

    def add(self, where: str | None, message: str, **details: Any) -> None:
        self.problems.append(DefinitionProblem(self.source, where, message, **details))

    # -- top level -------------------------------------------------------------------------------------------
    def build(self, data: Any) -> Definition:
        if not isinstance(data, dict):
            message = "nội dung phải là một bảng khóa–giá trị (mapping)"
            raise DefinitionError([DefinitionProblem(self.source, None, message)])
        for key in sorted(set(map(str, data)) - _TOP_KEYS):
            self.add(None, f"khóa không xác định '{key}'")
        form_id = self.required_string(data, "form_id")
        if form_id is not None and not FORM_ID_PATTERN.match(form_id):
            self.add(None, f"form_id '{form_id}' không hợp lệ (chỉ chữ thường không dấu, số và '_', bắt đầu bằng chữ)",
                     attribute="form_id")
        title = self.required_string(data, "title")
        version = self.required_string(data, "version")
        description = self.optional_string(data, "description", None, "biểu mẫu")
        self.read_choice_lists(data.get("choices"))
        sections = self.read_sections(data.get("sections"))
        self.check_references(sections)
        quality = read_quality(data.get("quality"), self.questions, self.add)
        order: tuple[str, ...] = ()
        if not self.problems:
            order, cycle_problems = evaluation_order(sections, self.questions, self.source)
            self.problems.extend(cycle_problems)
        if self.problems:
            raise DefinitionError(self.problems)
        return Definition(form_id=form_id, title=title, version=version, description=description,
                          sections=tuple(sections), choice_lists=self.choice_lists, questions=self.questions,
                          evaluation_order=order, source=self.source, quality=quality)

    def required_string(self, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            self.add(None, f"thiếu '{key}'", attribute=key)
            return None
        if not isinstance(value, str):
            self.add(None, _NON_STRING_HINT, attribute=key)
            return None
        if not value.strip():
            self.add(None, "không được để trống", attribute=key)
            return None
        return value.strip()

    def optional_string(self, data: dict, key: str, question: str | None, where: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(where, _NON_STRING_HINT, attribute=key, question=question)
            return None
        return value

    # -- choices ---------------------------------------------------------------------------------------------
    def read_choice_lists(self, raw: Any) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.add(None, "phải là bảng: tên danh sách -> các lựa chọn", attribute="choices")
            return
        for list_name, items in raw.items():
            where = choice_list_place(str(list_name))
            if not isinstance(list_name, str) or not NAME_PATTERN.match(list_name):
                self.add(where, "tên danh sách không hợp lệ (chữ không dấu, số, '_')")
                continue
            if not isinstance(items, list) or not items:
                self.add(where, "phải là danh sách khác rỗng các lựa chọn {name, label}")
                continue
            self.choice_lists[list_name] = tuple(self.read_choices(list_name, items))

    def read_choices(self, list_name: str, items: list) -> list[Choice]:
        where = choice_list_place(list_name)
        choices: list[Choice] = []
        for index, item in enumerate(items):
            place = f"{where}, lựa chọn thứ {index + 1}"
            if not isinstance(item, dict):
                self.add(place, "phải có dạng {name: ..., label: ...}")
                continue
            for key in sorted(set(map(str, item)) - {"name", "label"}):
                self.add(place, f"khóa không xác định '{key}'")
            name, label = item.get("name"), item.get("label")
            if not isinstance(name, str) or not isinstance(label, str):
                self.add(place, f"name và label {_NON_STRING_HINT}")
                continue
            if not name.strip() or any(char.isspace() for char in name):
                self.add(place, f"tên lựa chọn '{name}' không được rỗng hoặc chứa khoảng trắng")
                continue
            if any(choice.name == name for choice in choices):
                self.add(place, f"tên lựa chọn '{name}' bị trùng")
                continue
            choices.append(Choice(name, label))
        return choices

    # -- sections and questions ------------------------------------------------------------------------------
    def read_sections(self, raw: Any) -> list[Section]:
        if not isinstance(raw, list) or not raw:
            self.add(None, "phải là danh sách khác rỗng các phần", attribute="sections")
            return []
        sections = []
        for index, item in enumerate(raw):
            section = self.read_section(item, f"sections[{index}]")
            if section is not None:
                sections.append(section)
        return sections

    def read_section(self, item: Any, path: str) -> Section | None:
        if not isinstance(item, dict):
            self.add(path, "phần phải là bảng khóa–giá trị")
            return None
        name = self.claim_name(item.get("name"), path, is_section=True)
        where = section_place(name) if name else path
        for key in sorted(set(map(str, item)) - _SECTION_KEYS):
            self.add(where, f"khóa không xác định '{key}'")
        label = self.optional_string(item, "label", name, where)
        if label is None and "label" not in item:
            self.add(where, "thiếu 'label'")
        relevant = self.read_rule(item, "relevant", name, where)
        questions = self.read_questions(item.get("questions"), f"{path}.questions", where, name or path, None)
        if name is None or label is None:
            return None
        return Section(name=name, label=label, questions=tuple(questions), relevant=relevant)

    def read_questions(self, raw: Any, path: str, owner: str, section: str, repeat: str | None) -> list[Question]:
        if not isinstance(raw, list) or not raw:
            self.add(owner, "phải có danh sách 'questions' khác rỗng", attribute="questions")
            return []
        questions = []
        for index, item in enumerate(raw):
            question = self.read_question(item, f"{path}[{index}]", section, repeat)
            if question is None:
                continue
            questions.append(question)
            if repeat is None:  # register in document order: a repeat, then its children
                self.questions[question.name] = question
                self.questions.update((child.name, child) for child in question.children)
        return questions

    def read_question(self, item: Any, path: str, section: str, repeat: str | None) -> Question | None:
        if not isinstance(item, dict):
            self.add(path, "câu hỏi phải là bảng khóa–giá trị")
            return None
        name = self.claim_name(item.get("name"), path, is_section=False)
        where = question_place(name) if name else path
        subject = name or path
        kind, list_name = self.read_type(item.get("type"), where, subject)
        if kind is None:
            return None
        if kind == "repeat" and repeat is not None:
            self.add(where, "không được đặt nhóm lặp (repeat) bên trong một nhóm lặp khác", attribute="type",
                     question=subject)
            return None
        for key in sorted(set(map(str, item)) - _KEYS_BY_TYPE[kind]):
            self.add(where, f"thuộc tính '{key}' không dùng được cho kiểu '{kind}'", question=subject)
        texts = {key: self.optional_string(item, key, subject, where) for key in _TEXT_KEYS}
        if kind != "calculate" and "label" not in item:
            self.add(where, "thiếu 'label'", question=subject)
        for key in ("label", "hint"):
            for referenced in _LABEL_REFERENCE.findall(texts[key] or ""):
                self.text_references.append((subject, key, referenced))
        rules = {key: self.read_rule(item, key, subject, where)
                 for key in ("relevant", "constraint", "calculation", "repeat_count")}
        if kind == "calculate" and "calculation" not in item:
            self.add(where, "câu tính toán phải có 'calculation'", question=subject)
        required = self.read_required(item, subject, where)
        read_only = item.get("read_only", False)
        if not isinstance(read_only, bool):
            self.add(where, "phải là true hoặc false", attribute="read_only", question=subject)
        default = self.read_default(item.get("default"), kind, list_name, where, subject)
        prefill = self.read_prefill(item.get("prefill"), kind, repeat, where, subject)
        children: list[Question] = []
        if kind == "repeat":
            children = self.read_questions(item.get("questions"), f"{path}.questions", where, section, subject)
        if name is None:
            return None
        question = Question(
            name=name, type=kind, label=texts["label"], hint=texts["hint"], list_name=list_name,
            required=required, constraint=rules["constraint"], constraint_message=texts["constraint_message"],
            required_message=texts["required_message"],
            relevant=rules["relevant"], calculation=rules["calculation"], default=default,
            read_only=read_only is True, appearance=texts["appearance"], repeat_count=rules["repeat_count"],
            children=tuple(children), section=section, repeat=repeat, prefill=prefill,
        )
        return question

    def claim_name(self, raw: Any, path: str, *, is_section: bool) -> str | None:
        if raw is None:
            self.add(path, "thiếu 'name'")
            return None
        if not isinstance(raw, str):
            self.add(path, f"'name' {_NON_STRING_HINT}")
            return None
        if not NAME_PATTERN.match(raw):
            self.add(path, f"tên '{raw}' không hợp lệ (chỉ chữ không dấu, số và '_', không bắt đầu bằng số)",
                     question=raw)
            return None
        if raw in self.claimed_names:
            where = section_place(raw) if is_section else question_place(raw)
            self.add(where, f"tên '{raw}' bị trùng với một phần hoặc câu hỏi khác", question=raw)
            return None
        self.claimed_names.add(raw)
        if is_section:
            self.section_names.add(raw)
        return raw

    def read_type(self, raw: Any, where: str, subject: str) -> tuple[str | None, str | None]:
        if not isinstance(raw, str) or not raw.strip():
            self.add(where, "thiếu 'type' hoặc 'type' không phải chuỗi", attribute="type", question=subject)
            return None, None
        words = raw.split()
        kind = words[0]
        if kind not in QUESTION_TYPES:
            self.add(where, f"kiểu '{raw}' không được hỗ trợ", attribute="type", question=subject)
            return None, None
        if kind in SELECT_TYPES:
            if len(words) != 2:
                self.add(where, f"kiểu '{kind}' cần đúng một tên danh sách lựa chọn, ví dụ '{kind} co_khong'",
                         attribute="type", question=subject)
                return None, None
            if words[1] not in self.choice_lists:
                self.add(where, f"danh sách lựa chọn '{words[1]}' không tồn tại", attribute="type", question=subject)
                return None, None
            return kind, words[1]
        if len(words) != 1:
            self.add(where, f"kiểu '{raw}' không được hỗ trợ", attribute="type", question=subject)
            return None, None
        return kind, None

    def read_rule(self, item: dict, key: str, subject: str | None, where: str) -> Rule | None:
        raw = item.get(key)
        if raw is None:
            return None
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.add(where, "biểu thức phải là chuỗi", attribute=key, question=subject)
            return None
        source = str(raw) if not isinstance(raw, str) else raw
        if not source.strip():
            self.add(where, "biểu thức rỗng", attribute=key, question=subject)
            return None
        try:
            expression = parse(source)
        except ExpressionError as exc:
            self.add(where, exc.message, attribute=key, position=exc.position, question=subject)
            return None
        if expression.uses_current and key != "constraint":
            self.add(where, "dấu '.' (giá trị của chính câu này) chỉ dùng được trong constraint", attribute=key,
                     question=subject)
            return None
        return Rule(source, expression)

    def read_required(self, item: dict, subject: str, where: str) -> bool | Rule:
        raw = item.get("required", False)
        if isinstance(raw, bool):
            return raw
        if not isinstance(raw, str):
            self.add(where, "phải là true/false hoặc một biểu thức", attribute="required", question=subject)
            return False
        return self.read_rule(item, "required", subject, where) or False

    def read_default(self, raw: Any, kind: str, list_name: str | None, where: str, subject: str) -> Any:
        if raw is None:
            return None
        choice_names = [choice.name for choice in self.choice_lists.get(list_name, ())] if list_name else []
        try:
            return coerce_value(kind, raw, choice_names)
        except AnswerValueError as exc:
            self.add(where, f"giá trị mặc định không hợp lệ: {exc.message}", attribute="default", question=subject)
            return None

    def read_prefill(self, raw: Any, kind: str, repeat: str | None, where: str, subject: str) -> str | None:
        """``prefill: household.members``: the answer starts from the register; one question per field, of the
        field's type, outside repeats (a register field has one value per household)."""
        if raw is None:
            return None
        if not isinstance(raw, str) or raw not in PREFILL_SOURCES:
            known = ", ".join(sorted(PREFILL_SOURCES))
            self.add(where, f"'prefill' phải là một trong: {known}", attribute="prefill", question=subject)
            return None
        if PREFILL_SOURCES[raw] != kind:
            self.add(where, f"'prefill: {raw}' chỉ dùng được cho câu kiểu '{PREFILL_SOURCES[raw]}'",
                     attribute="prefill", question=subject)
            return None
        if repeat is not None:
            self.add(where, "'prefill' không dùng được trong nhóm lặp (repeat)", attribute="prefill", question=subject)
            return None
        if raw in self.prefill_sources:
            self.add(where, f"'prefill: {raw}' đã được dùng cho câu '{self.prefill_sources[raw]}'",
                     attribute="prefill", question=subject)
            return None
        self.prefill_sources[raw] = subject
        return raw

    # -- references ------------------------------------------------------------------------------------------
    def check_references(self, sections: list[Section]) -> None:
        for section in sections:
            if section.relevant is not None:
                self.check_rule_references(section.relevant, "relevant", section.name, section_place(section.name))
        for question in self.questions.values():
            for attribute, rule in question.rules().items():
                self.check_rule_references(rule, attribute, question.name, question_place(question.name))
        for subject, attribute, referenced in self.text_references:
            if referenced not in self.questions or self.questions[referenced].type == "note":
                self.add(question_place(subject), f"tham chiếu '${{{referenced}}}' không tồn tại",
                         attribute=attribute, question=subject, missing_reference=referenced)

    def check_rule_references(self, rule: Rule, attribute: str, subject: str, where: str) -> None:
        for referenced in sorted(rule.references):
            target = self.questions.get(referenced)
            if target is None and referenced in self.claimed_names - self.section_names:
                continue  # the question exists but was refused for another reason, already reported
            if target is None and referenced in self.section_names:
                message = f"'${{{referenced}}}' là một phần, không phải câu hỏi"
            elif target is None:
                message = f"tham chiếu '${{{referenced}}}' không tồn tại"
            elif target.type == "note":
                message = f"'${{{referenced}}}' là câu ghi chú, không có giá trị"
            else:
                continue
            self.add(where, message, attribute=attribute, position=reference_position(rule.source, referenced),
                     question=subject, missing_reference=referenced if target is None else None)

