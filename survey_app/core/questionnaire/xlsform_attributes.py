"""The attributes of one XLSForm row (pyxform's ``bind`` and ``control``, and the other columns) in our
definition: a mixin of the XLSForm translator, which provides ``differences``, ``texts`` and ``formula``."""

from __future__ import annotations

import re
from typing import Any

BIND_COLUMNS = {"relevant": "relevant", "required": "required", "constraint": "constraint",
                "jr:constraintMsg": "constraint_message", "calculate": "calculation", "readonly": "read_only",
                "jr:requiredMsg": "required_message"}
FORM_KEYS = {"clean_text_values", "type", "name", "title", "id_string", "sms_keyword", "default_language", "children", "choices",
              "version"}
_TRUE = {"true()", "yes", "true", "1"}
_FALSE = {"false()", "no", "false", "0", ""}
_QUESTION_KEYS = {"type", "name", "label", "hint", "bind", "control", "choice_filter", "parameters", "media",
                  "default", "itemset", "list_name", "choices", "children"}



_REFERENCE = re.compile(r"\$\{([^}]+)\}|\.\./([A-Za-z_][\w.-]*)")


class RowAttributes:
    def binds(self, element: dict[str, Any], question: dict[str, Any], row: int | None, base: str) -> None:
        bind = element.get("bind") or {}
        name = question["name"]
        for key, value in bind.items():
            column = BIND_COLUMNS.get(key, key)
            text = str(value).strip() if not isinstance(value, dict) else value
            if key == "relevant":
                continue  # placed with the groups' conditions
            if key == "calculate" and base == "calculate":
                self.formula(question, "calculation", row, column, text)
            elif key == "readonly" and str(text).lower() in _TRUE | _FALSE:
                if base not in ("note", "calculate") and str(text).lower() in _TRUE:
                    question["read_only"] = True
            elif key == "required" and base not in ("note", "calculate"):
                if str(text).lower() in _TRUE:
                    question["required"] = True
                elif str(text).lower() not in _FALSE:
                    self.formula(question, "required", row, column, text)
            elif key == "constraint" and base not in ("note", "calculate"):
                self.formula(question, "constraint", row, column, text)
            elif key in ("jr:constraintMsg", "jr:requiredMsg") and base not in ("note", "calculate"):
                question[column] = self.texts.pick(value)
            elif key == "calculate":
                self.differences.add("survey", row, column, name, f"công thức trên câu kiểu '{base}' chưa được hỗ "
                                     "trợ; thêm một câu calculate riêng với công thức này")
            elif key == "readonly":
                self.differences.add("survey", row, column, name, "read_only dạng công thức chưa được hỗ trợ; "
                                     "ghi yes hoặc để trống")
            elif key == "required" and str(text).lower() in _FALSE:
                continue
            else:
                self.differences.add("survey", row, column, name, f"cột '{column}' chưa được hỗ trợ trên câu "
                                     f"kiểu '{base}'; xóa giá trị ở cột này")

    def details(self, element: dict[str, Any], question: dict[str, Any], row: int | None) -> None:
        name = question["name"]
        control = dict(element.get("control") or {})
        appearance = control.pop("appearance", None)
        if appearance and question["type"] != "calculate":
            question["appearance"] = str(appearance)
        for key in control:
            self.differences.add("survey", row, key, name, f"thuộc tính hiển thị '{key}' chưa được hỗ trợ")
        if element.get("choice_filter"):
            self.differences.add("survey", row, "choice_filter", name, "choice_filter (lọc lựa chọn theo câu "
                                 "trước) chưa được hỗ trợ: mọi lựa chọn sẽ hiện; xóa choice_filter hoặc tách "
                                 "danh sách lựa chọn")
        if element.get("parameters"):
            self.differences.add("survey", row, "parameters", name, "cột parameters chưa được hỗ trợ")
        if element.get("media"):
            self.differences.add("survey", row, "media", name, "ảnh/âm thanh kèm nhãn (media) chưa được hỗ trợ")
        default = element.get("default")
        if default not in (None, ""):
            text = str(default)
            if "${" in text or "(" in text or question["type"] in ("note", "calculate"):
                self.differences.add("survey", row, "default", name, "default dạng công thức chưa được hỗ trợ; "
                                     "ghi một giá trị cố định")
            else:
                question["default"] = text
        generated = {"_dynamic_default", "actions"} if default not in (None, "") else set()  # pyxform's, of default
        for key in sorted(set(element) - _QUESTION_KEYS - generated):
            self.differences.add("survey", row, key, name, f"cột '{key}' chưa được hỗ trợ")

    def unsupported_attributes(self, element: dict[str, Any], row: int | None, name: str, binds: set[str],
                               controls: set[str] = frozenset()) -> None:
        for key in sorted(set(element.get("bind") or {}) - binds):
            self.differences.add("survey", row, BIND_COLUMNS.get(key, key), name,
                                 f"cột '{BIND_COLUMNS.get(key, key)}' chưa được hỗ trợ trên nhóm")
        for key in sorted(set(element.get("control") or {}) - controls - {"appearance"}):
            self.differences.add("survey", row, key, name, f"thuộc tính '{key}' của nhóm chưa được hỗ trợ")


def all_names(element: dict[str, Any]) -> list[str]:
    names = []
    for child in element.get("children", []):
        names.append(str(child.get("name", "")))
        names.extend(all_names(child))
    return names


def referenced_names(element: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(element, dict):
        for key, value in element.items():
            if key not in ("name", "type", "choices"):
                found |= referenced_names(value)
    elif isinstance(element, list):
        for value in element:
            found |= referenced_names(value)
    elif isinstance(element, str):
        found |= {first or second for first, second in _REFERENCE.findall(element)}
    return found
