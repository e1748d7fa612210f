"""Server-side check and normalisation of one answer set: the single implementation behind the web form and the API.

Semantics (mirrored by static/js/engine.js, which runs the compiled rules in the same order):
1. Raw values are coerced to their types (see values.py); unknown keys, notes and posted calculation values are
   dropped. A value that does not fit its type is an error and is not kept.
2. Sections and questions are visited once in ``Definition.evaluation_order`` (dependencies first). For each:
   relevant = parent section/repeat relevant AND its own ``relevant`` (absent = true). An irrelevant question loses
   its answer; a relevant calculation is recomputed; a relevant repeat with ``repeat_count`` gets exactly that
   many rows (extra rows cut off, missing rows added empty; an unanswered or non-numeric count leaves rows alone).
3. Relevant answered questions must satisfy their ``constraint`` (``.`` is the answer); with ``submit=True``
   relevant questions whose ``required`` is true (or evaluates true) must be answered.

In expressions, ``${x}`` is the answer of x; inside a repeat row, a sibling of the same repeat gives this row's
value; a repeat child referenced from elsewhere gives the list of its values over the rows (for sum/count/max/min);
``${repeat}`` itself gives the list of row numbers 1..n, so ``count(${repeat})`` is the number of rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from survey_app.core.answer_paths import answer_path, parse_path
from survey_app.core.expressions.values import is_true
from survey_app.core.formatting import format_int
from survey_app.core.questionnaire.model import (
    SELECT_TYPES,
    Definition,
    Question,
    Rule,
    constraint_message,
    required_message,
)
from survey_app.core.questionnaire.values import AnswerValueError, coerce_value, is_blank

MAX_REPEAT_ROWS = 500
"""Upper bound for a computed ``repeat_count``, so that a mistyped count cannot create millions of rows."""


@dataclass
class AnswerCheck:
    answers: dict[str, Any]
    errors: dict[str, str]
    relevant: set[str] = field(default_factory=set)  # relevant section names and question paths

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_answers(defn: Definition, answers: Mapping[str, Any], *, submit: bool, today: str) -> AnswerCheck:
    """Normalise ``answers`` and check them. ``submit=False`` (a draft) does not enforce ``required``."""
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a mapping of question names to values")
    run = _Run(defn, today)
    run.load(answers)
    run.evaluate_all()
    run.check(submit)
    return AnswerCheck(answers=run.output(), errors=run.visible_errors(), relevant=run.relevant)


def relevance(defn: Definition, answers: Mapping[str, Any], today: str) -> set[str]:
    """Paths of the sections and questions that apply to these answers (``thanh_vien[0].tuoi`` for rows)."""
    return validate_answers(defn, answers, submit=False, today=today).relevant


class _TopEnv(Mapping):
    """Live view of the answers as expressions outside a repeat row see them."""

    def __init__(self, run: _Run):
        self.run = run

    def __getitem__(self, name: str) -> Any:
        if name not in self.run.defn.questions:
            raise KeyError(name)
        return self.get(name)

    def get(self, name: str, default: Any = None) -> Any:
        """What every compiled reference calls: answered single questions first, without Mapping's detour."""
        values = self.run.values
        if name in values:
            return values[name]
        question = self.run.defn.questions.get(name)
        if question is None:
            return default
        if question.type == "repeat":
            return list(range(1, len(self.run.rows.get(name, [])) + 1))
        if question.repeat is not None:
            return [row.get(name) for row in self.run.rows.get(question.repeat, [])]
        return None

    def __iter__(self) -> Iterator[str]:
        return iter(self.run.defn.questions)

    def __len__(self) -> int:
        return len(self.run.defn.questions)


class _RowEnv(Mapping):
    """The view from inside one repeat row: siblings are this row's values, everything else as outside."""

    def __init__(self, top: _TopEnv, siblings: frozenset[str], row: dict[str, Any]):
        self.top, self.siblings, self.row = top, siblings, row

    def __getitem__(self, name: str) -> Any:
        return self.row.get(name) if name in self.siblings else self.top[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.row.get(name) if name in self.siblings else self.top.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.top)

    def __len__(self) -> int:
        return len(self.top)


class _Run:
    def __init__(self, defn: Definition, today: str):
        # ``today`` as the ISO text the compiled expressions take, converted once instead of at every evaluation
        if isinstance(today, datetime):
            today = today.date()
        self.defn, self.today = defn, today if isinstance(today, str) else today.isoformat()
        self.values: dict[str, Any] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.errors: dict[str, str] = {}
        self.relevant: set[str] = set()
        self.top = _TopEnv(self)
        self._siblings: dict[str, frozenset[str]] = {}
        self._row_envs: dict[int, _RowEnv] = {}

    def row_env(self, repeat: Question, row: dict[str, Any]) -> _RowEnv:
        """The view from ``row`` (one per row dict, reused by every column and check of the row)."""
        env = self._row_envs.get(id(row))
        if env is None or env.row is not row:
            siblings = self._siblings.get(repeat.name)
            if siblings is None:
                siblings = self._siblings[repeat.name] = frozenset(child.name for child in repeat.children)
            env = self._row_envs[id(row)] = _RowEnv(self.top, siblings, row)
        return env

    # -- 1. coercion -----------------------------------------------------------------------------------------
    def load(self, answers: Mapping[str, Any]) -> None:
        for name, raw in answers.items():
            question = self.defn.questions.get(name)
            if question is None or question.repeat is not None:
                continue
            if question.type == "repeat":
                self.load_rows(question, raw)
            elif question.is_answerable:
                value = self.coerce(question, raw, name)
                if value is not None:
                    self.values[name] = value

    def load_rows(self, repeat: Question, raw: Any) -> None:
        if is_blank(raw):
            return
        if not isinstance(raw, (list, tuple)):
            self.errors[repeat.name] = "Phải là danh sách các dòng"
            return
        if len(raw) > MAX_REPEAT_ROWS:
            self.errors[repeat.name] = f"Quá nhiều dòng: {format_int(len(raw))} (tối đa {MAX_REPEAT_ROWS} dòng)"
            return
        rows = []
        for index, raw_row in enumerate(raw):
            row: dict[str, Any] = {}
            if raw_row is not None and not isinstance(raw_row, Mapping):
                self.errors[answer_path(repeat.name, index)] = "Mỗi dòng phải là một đối tượng"
            for child in repeat.children:
                if raw_row and child.is_answerable and child.name in raw_row:
                    value = self.coerce(child, raw_row[child.name], answer_path(repeat.name, index, child.name))
                    if value is not None:
                        row[child.name] = value
            rows.append(row)
        self.rows[repeat.name] = rows

    def coerce(self, question: Question, raw: Any, path: str) -> Any:
        names = [choice.name for choice in self.defn.choice_lists[question.list_name]] \
            if question.type in SELECT_TYPES else ()
        try:
            return coerce_value(question.type, raw, names)
        except AnswerValueError as exc:
            self.errors[path] = exc.message
            return None

    # -- 2. relevance and calculations, dependencies first ----------------------------------------------------
    def evaluate_all(self) -> None:
        sections = self.defn.sections_by_name
        for name in self.defn.evaluation_order:
            if name in sections:
                if self.holds(sections[name].relevant, self.top):
                    self.relevant.add(name)
                continue
            question = self.defn.questions[name]
            if question.repeat is not None:
                self.evaluate_column(question)
            elif question.type == "repeat":
                self.evaluate_repeat(question)
            else:
                self.evaluate_single(question)

    def holds(self, rule: Rule | None, env: Mapping[str, Any]) -> bool:
        return rule is None or is_true(rule.expression.compiled(env, self.today, None))

    def evaluate_single(self, question: Question) -> None:
        if question.section in self.relevant and self.holds(question.relevant, self.top):
            self.relevant.add(question.name)
            if question.type == "calculate":
                self.store(self.values, question.name, self.calculate(question, self.top))
        else:
            self.values.pop(question.name, None)

    def evaluate_repeat(self, repeat: Question) -> None:
        if not (repeat.section in self.relevant and self.holds(repeat.relevant, self.top)):
            self.rows.pop(repeat.name, None)
            return
        self.relevant.add(repeat.name)
        if repeat.repeat_count is not None:
            count = _row_count(repeat.repeat_count.expression.compiled(self.top, self.today, None))
            if count is not None:
                rows = self.rows.get(repeat.name, [])[:count]
                self.rows[repeat.name] = rows + [{} for _ in range(count - len(rows))]

    def evaluate_column(self, child: Question) -> None:
        repeat = self.defn.questions[child.repeat]
        for index, row in enumerate(self.rows.get(repeat.name, [])):
            env = self.row_env(repeat, row)
            if repeat.name in self.relevant and self.holds(child.relevant, env):
                self.relevant.add(answer_path(repeat.name, index, child.name))
                if child.type == "calculate":
                    self.store(row, child.name, self.calculate(child, env))
            else:
                row.pop(child.name, None)

    def calculate(self, question: Question, env: Mapping[str, Any]) -> Any:
        return question.calculation.expression.compiled(env, self.today, None)

    @staticmethod
    def store(target: dict[str, Any], name: str, value: Any) -> None:
        if value is None or value == "" or value == []:
            target.pop(name, None)
        else:
            target[name] = value

    # -- 3. constraints and required ----------------------------------------------------------------------------
    def check(self, submit: bool) -> None:
        for question in self.defn.questions.values():
            if not question.is_answerable:
                continue
            if question.repeat is None:
                self.check_one(question, self.values, question.name, self.top, submit)
                continue
            repeat = self.defn.questions[question.repeat]
            for index, row in enumerate(self.rows.get(repeat.name, [])):
                env = self.row_env(repeat, row)
                self.check_one(question, row, answer_path(repeat.name, index, question.name), env, submit)

    def check_one(self, question: Question, holder: dict[str, Any], path: str, env: Mapping[str, Any],
                  submit: bool) -> None:
        if path not in self.relevant or path in self.errors:
            return
        value = holder.get(question.name)
        if value is None:
            required = question.required
            if submit and (required is True or (isinstance(required, Rule) and self.holds(required, env))):
                self.errors[path] = required_message(question)
            return
        if question.constraint is not None:
            if not is_true(question.constraint.expression.compiled(env, self.today, value)):
                self.errors[path] = constraint_message(question)

    # -- results ------------------------------------------------------------------------------------------------
    def visible_errors(self) -> dict[str, str]:
        """Errors in document order, only for questions that apply (a type error in a skipped question or in a
        cut-off row does not count)."""
        kept = {}
        if not self.errors:
            return kept
        for path in self.paths_in_order():
            if path not in self.errors:
                continue
            parts = parse_path(path)
            if path in self.relevant or (parts is not None and parts.is_row and parts.name in self.relevant):
                kept[path] = self.errors[path]
        return kept

    def paths_in_order(self) -> Iterator[str]:
        for name, question in self.defn.questions.items():
            if question.repeat is not None:
                continue
            yield name
            for index in range(len(self.rows.get(name, []))):
                yield answer_path(name, index)
                for child in question.children:
                    yield answer_path(name, index, child.name)

    def output(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, question in self.defn.questions.items():
            if question.repeat is not None:
                continue
            if question.type == "repeat":
                rows = self.rows.get(name)
                if rows and name in self.relevant:
                    order = [child.name for child in question.children]
                    result[name] = [{key: row[key] for key in order if key in row} for row in rows]
            elif name in self.values:
                result[name] = self.values[name]
        return result


def _row_count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)) or value != value:
        return None
    return int(max(0.0, min(float(MAX_REPEAT_ROWS), float(value))))
