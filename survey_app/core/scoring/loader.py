"""Load and validate scoring rulesets (YAML files or plain data), reporting every problem at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from survey_app.core.config_files import StrictYamlLoader, read_yaml
from survey_app.core.expressions import ExpressionError, parse, reference_position
from survey_app.core.scoring.model import (
    HOUSEHOLD_ATTRIBUTES,
    HOUSEHOLD_PREFIX,
    OUTCOME_PREFIX,
    PARAM_PREFIX,
    Check,
    Combine,
    Criterion,
    Outcome,
    Population,
    Ruleset,
)
from survey_app.core.scoring.outcome_order import OutcomeOrder
from survey_app.core.scoring.parameters import NAME_PATTERN, ParameterReading
from survey_app.core.scoring.problems import (
    RulesetError,
    RulesetProblem,
    criterion_place,
    outcome_place,
)

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
_AT_LEAST = re.compile(r"at_least\s+(\d+)\Z")

_TOP_KEYS = {"ruleset_id", "version", "title", "description", "questionnaire", "parameters",
             "household_fallback", "population", "outcomes"}
_REQUIRED_TOP_KEYS = ("ruleset_id", "version", "title", "questionnaire", "population", "outcomes")
_OUTCOME_KEYS = {"id", "label", "description", "combine", "criteria", "population", "internal"}
_CRITERION_KEYS = {"id", "label", "expression", "optional"}
_POPULATION_KEYS = {"label", "expression", "optional"}
_NOT_A_STRING = "phải là chuỗi (giá trị như yes/no/on/số mà không có dấu nháy sẽ bị YAML đọc thành kiểu khác)"


class _LinedDict(dict):
    """A mapping read from YAML that remembers the line of each key (1-based)."""

    key_lines: dict[Any, int]
    line: int


class _RulesetLoader(StrictYamlLoader):
    """The strict loader, recording line numbers for error messages."""


def _construct_lined_map(loader: _RulesetLoader, node: yaml.MappingNode):
    data = _LinedDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    data.update(loader.construct_mapping(node, deep=True))
    for key_node, _ in node.value:
        data.key_lines[loader.construct_object(key_node)] = key_node.start_mark.line + 1


_RulesetLoader.add_constructor("tag:yaml.org,2002:map", _construct_lined_map)


def load_ruleset(path: str | Path) -> Ruleset:
    """Read and validate one YAML ruleset. Raises ``RulesetError`` listing every problem (in Vietnamese)."""
    source = str(path)
    data = read_yaml(path, _RulesetLoader, RulesetProblem, RulesetError)
    return ruleset_from_data(data, source)


def ruleset_from_data(data: Any, source: str) -> Ruleset:
    """Validate plain data (as read from YAML, or a stored ``Ruleset.to_data()`` snapshot) into a Ruleset."""
    return _Builder(source).build(data)


def _line_of(container: Any, key: Any = None) -> int | None:
    if isinstance(container, _LinedDict):
        if key is not None and key in container.key_lines:
            return container.key_lines[key]
        return container.line
    return None


class _Builder(ParameterReading, OutcomeOrder):
    def __init__(self, source: str):
        self.source = source
        self.problems: list[RulesetProblem] = []
        self.parameter_names: set[str] = set()
        self.expression_lines: dict[tuple[str, str], int | None] = {}  # (outcome, criterion) -> line

    def add(self, where: str | None, message: str, container: Any = None, key: Any = None, **details: Any) -> None:
        details.setdefault("line", _line_of(container, key))
        self.problems.append(RulesetProblem(self.source, where, message, **details))

    # -- top level ------------------------------------------------------------------------------------------
    def build(self, data: Any) -> Ruleset:
        if not isinstance(data, dict):
            raise RulesetError([RulesetProblem(self.source, None, "nội dung phải là một bảng khóa: giá trị (mapping)")])
        for key in data:
            if key not in _TOP_KEYS:
                self.add(None, f"khóa không được hỗ trợ '{key}'", data, key)
        for key in _REQUIRED_TOP_KEYS:
            if key not in data:
                self.add(None, f"thiếu khóa bắt buộc '{key}'", data)
        ruleset_id = self.text(data, "ruleset_id", None)
        if ruleset_id is not None and not ID_PATTERN.match(ruleset_id):
            self.add(None, "chỉ gồm chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ", data, "ruleset_id",
                     attribute="ruleset_id")
        version = self.text(data, "version", None)
        title = self.text(data, "title", None)
        questionnaire = self.text(data, "questionnaire", None)
        description = self.text(data, "description", None, required=False)
        parameters = self.read_parameters(data.get("parameters"), data)
        fallback = self.read_fallback(data.get("household_fallback"), data)
        population = None
        if "population" in data:
            population = self.read_population(data["population"], "đối tượng (population)", None, data)
        outcomes = self.read_outcomes(data.get("outcomes"), data) if "outcomes" in data else []
        if self.problems:
            raise RulesetError(self.problems)
        return Ruleset(
            ruleset_id=ruleset_id, version=version, title=title, questionnaire=questionnaire,
            population=population, outcomes=tuple(outcomes), parameters=parameters,
            household_fallback=fallback, description=description, source=self.source,
        )

    def text(self, item: dict, key: str, where: str | None, required: bool = True, **details: Any) -> str | None:
        if key not in item:
            if required and where is not None:
                self.add(where, f"thiếu khóa bắt buộc '{key}'", item, **details)
            return None
        value = item[key]
        if not isinstance(value, str):
            self.add(where, _NOT_A_STRING, item, key, attribute=key, **details)
            return None
        if not value.strip():
            self.add(where, "không được để trống", item, key, attribute=key, **details)
            return None
        return value

    # -- expressions ----------------------------------------------------------------------------------------
    def read_population(self, raw: Any, where: str, outcome_id: str | None, parent: dict) -> Population | None:
        if not isinstance(raw, dict):
            self.add(where, "phải là bảng {label, expression}", parent, "population", outcome=outcome_id)
            return None
        for key in raw:
            if key not in _POPULATION_KEYS:
                self.add(where, f"khóa không được hỗ trợ '{key}'", raw, key, outcome=outcome_id)
        label = self.text(raw, "label", where, outcome=outcome_id)
        check = self.read_check(raw, where, outcome_id, None, allow_outcomes=False)
        return Population(label, check) if label is not None and check is not None else None

    def read_check(self, item: dict, where: str, outcome_id: str | None, criterion_id: str | None,
                   allow_outcomes: bool) -> Check | None:
        details = {"outcome": outcome_id, "criterion": criterion_id}
        source = self.text(item, "expression", where, **details)
        if source is None:
            return None
        line = _line_of(item, "expression")
        try:
            expression = parse(source)
        except ExpressionError as exc:
            self.add(where, exc.message, attribute="expression", position=exc.position, line=line, **details)
            return None
        ok = True
        if expression.uses_current:
            self.add(where, "không dùng '.' (giá trị câu hiện tại) trong bộ quy tắc; hãy viết ${tên_câu}",
                     attribute="expression", line=line, **details)
            ok = False
        for name in sorted(expression.references):
            problem = self.reference_problem(name, allow_outcomes)
            if problem is not None:
                self.add(where, problem, attribute="expression", position=reference_position(source, name),
                         line=line, **details)
                ok = False
        optional = self.read_optional(item, expression.references, where, details)
        if not ok or optional is None:
            return None
        required = tuple(sorted(name for name in expression.references if name not in optional))
        expression.compiled  # compile while loading, not on the first household scored
        return Check(source, expression, optional, required)

    def reference_problem(self, name: str, allow_outcomes: bool) -> str | None:
        if name.startswith(PARAM_PREFIX):
            if name[len(PARAM_PREFIX):] not in self.parameter_names:
                return f"tham số '{name[len(PARAM_PREFIX):]}' chưa được khai báo trong 'parameters'"
            return None
        if name.startswith(HOUSEHOLD_PREFIX):
            if name[len(HOUSEHOLD_PREFIX):] not in HOUSEHOLD_ATTRIBUTES:
                return (f"thuộc tính hộ '{name[len(HOUSEHOLD_PREFIX):]}' không tồn tại; dùng một trong: "
                        + ", ".join(HOUSEHOLD_ATTRIBUTES))
            return None
        if name.startswith(OUTCOME_PREFIX):
            # Whether the outcome exists and comes earlier is checked once every outcome is read.
            return None if allow_outcomes else "đối tượng (population) không được dùng kết quả của ruleset"
        if not NAME_PATTERN.match(name):
            return (f"tên '{name}' không hợp lệ: tên câu hỏi, hoặc param.<tên>, household.<thuộc tính>, "
                    "outcome.<mã kết quả>")
        return None

    def read_optional(self, item: dict, references: frozenset[str], where: str,
                      details: dict[str, Any]) -> tuple[str, ...] | None:
        raw = item.get("optional", [])
        if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
            self.add(where, "'optional' phải là danh sách tên", item, "optional", attribute="optional", **details)
            return None
        for name in raw:
            if name not in references:
                self.add(where, f"'{name}' khai báo trong 'optional' nhưng không có trong biểu thức", item,
                         "optional", attribute="optional", **details)
                return None
            if name.startswith(PARAM_PREFIX):
                self.add(where, f"tham số '{name}' không thể là optional", item, "optional",
                         attribute="optional", **details)
                return None
        return tuple(sorted(set(raw)))

    # -- outcomes -------------------------------------------------------------------------------------------
    def read_outcomes(self, raw: Any, parent: dict) -> list[Outcome]:
        if not isinstance(raw, list) or not raw:
            self.add(None, "'outcomes' phải là danh sách có ít nhất một kết quả", parent, "outcomes")
            return []
        ids = [item.get("id") if isinstance(item, dict) else None for item in raw]
        outcomes: list[Outcome] = []
        seen: set[str] = set()
        for index, item in enumerate(raw, start=1):
            outcome = self.read_outcome(item, index, seen)
            if outcome is not None:
                outcomes.append(outcome)
        self.check_outcome_order(outcomes, [i for i in ids if isinstance(i, str)])
        return outcomes

    def read_outcome(self, item: Any, index: int, seen: set[str]) -> Outcome | None:
        if not isinstance(item, dict):
            self.add(f"kết quả thứ {index}", "phải là bảng {id, label, combine, criteria}")
            return None
        outcome_id = item.get("id")
        if not isinstance(outcome_id, str) or not ID_PATTERN.match(outcome_id):
            self.add(f"kết quả thứ {index}", "'id' phải là chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ",
                     item, "id", attribute="id")
            return None
        where = outcome_place(outcome_id)
        if outcome_id in seen:
            self.add(where, "mã kết quả bị trùng", item, "id", attribute="id", outcome=outcome_id)
            return None
        seen.add(outcome_id)
        for key in item:
            if key not in _OUTCOME_KEYS:
                self.add(where, f"khóa không được hỗ trợ '{key}'", item, key, outcome=outcome_id)
        label = self.text(item, "label", where, outcome=outcome_id)
        description = self.text(item, "description", where, required=False, outcome=outcome_id)
        internal = item.get("internal", False)
        if not isinstance(internal, bool):
            self.add(where, "'internal' phải là true hoặc false", item, "internal", outcome=outcome_id)
        population = None
        if "population" in item:
            population = self.read_population(item["population"], f"{where}, đối tượng", outcome_id, item)
        criteria = self.read_criteria(item, outcome_id, where)
        declared = item.get("criteria")
        combine = self.read_combine(item, where, outcome_id, len(declared) if isinstance(declared, list) else 0)
        if (label is None or combine is None or not criteria or not isinstance(internal, bool)
                or ("population" in item and population is None)):
            return None
        return Outcome(outcome_id, label, combine, tuple(criteria), population, internal, description)

    def read_combine(self, item: dict, where: str, outcome_id: str, criterion_count: int) -> Combine | None:
        raw = item.get("combine")
        if raw in ("all", "any"):
            return Combine(raw)
        match = _AT_LEAST.match(raw.strip()) if isinstance(raw, str) else None
        if match is None:
            self.add(where, "'combine' phải là all, any hoặc at_least N (N là số tiêu chí cần đạt)", item,
                     "combine", attribute="combine", outcome=outcome_id)
            return None
        count = int(match.group(1))
        if not 1 <= count <= max(criterion_count, 1):
            self.add(where, f"at_least {count}: N phải từ 1 đến số tiêu chí ({criterion_count})", item, "combine",
                     attribute="combine", outcome=outcome_id)
            return None
        return Combine("at_least", count)

    def read_criteria(self, item: dict, outcome_id: str, where: str) -> list[Criterion]:
        raw = item.get("criteria")
        if not isinstance(raw, list) or not raw:
            self.add(where, "'criteria' phải là danh sách có ít nhất một tiêu chí", item, "criteria",
                     outcome=outcome_id)
            return []
        criteria: list[Criterion] = []
        seen: set[str] = set()
        failed = False
        for index, entry in enumerate(raw, start=1):
            criterion = self.read_criterion(entry, index, outcome_id, seen)
            if criterion is None:
                failed = True
            else:
                criteria.append(criterion)
        return [] if failed else criteria

    def read_criterion(self, entry: Any, index: int, outcome_id: str, seen: set[str]) -> Criterion | None:
        if not isinstance(entry, dict):
            self.add(f"{outcome_place(outcome_id)}, tiêu chí thứ {index}", "phải là bảng {id, label, expression}",
                     outcome=outcome_id)
            return None
        criterion_id = entry.get("id")
        if not isinstance(criterion_id, str) or not ID_PATTERN.match(criterion_id):
            self.add(f"{outcome_place(outcome_id)}, tiêu chí thứ {index}",
                     "'id' phải là chữ thường không dấu, chữ số và '_', bắt đầu bằng chữ", entry, "id",
                     attribute="id", outcome=outcome_id)
            return None
        where = criterion_place(outcome_id, criterion_id)
        details = {"outcome": outcome_id, "criterion": criterion_id}
        if criterion_id in seen:
            self.add(where, "mã tiêu chí bị trùng trong kết quả này", entry, "id", attribute="id", **details)
            return None
        seen.add(criterion_id)
        unknown = [key for key in entry if key not in _CRITERION_KEYS]
        for key in unknown:
            self.add(where, f"khóa không được hỗ trợ '{key}'", entry, key, **details)
        label = self.text(entry, "label", where, **details)
        self.expression_lines[(outcome_id, criterion_id)] = _line_of(entry, "expression")
        check = self.read_check(entry, where, outcome_id, criterion_id, allow_outcomes=True)
        if label is None or check is None or unknown:
            return None
        return Criterion(criterion_id, label, check)
