"""Check a ruleset against the questionnaire it reads: the form_id, every question name, and every choice code
that an expression compares a select question (or a register attribute taken from one) with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from survey_app.core.expressions import reference_position
from survey_app.core.scoring.model import HOUSEHOLD_PREFIX, Check, Ruleset
from survey_app.core.scoring.problems import RulesetProblem, criterion_place, outcome_place

if TYPE_CHECKING:  # pragma: no cover - typing only
    from survey_app.core.questionnaire import Definition

_SELECT_TYPES = ("select_one", "select_multiple")
_COMPARISONS = ("=", "!=")


def check_against_definition(ruleset: Ruleset, definition: Definition) -> list[RulesetProblem]:
    problems: list[RulesetProblem] = []
    source = ruleset.source

    if ruleset.questionnaire != definition.form_id:
        problems.append(RulesetProblem(
            source, None, f"bộ quy tắc đọc phiếu '{ruleset.questionnaire}' nhưng được kiểm tra với phiếu "
                          f"'{definition.form_id}'", attribute="questionnaire"))
    for attribute, name in sorted(ruleset.household_fallback.items()):
        question = definition.questions.get(name)
        if question is None or not question.stores_value:
            problems.append(RulesetProblem(source, "household_fallback",
                                           f"'{attribute}': phiếu '{definition.form_id}' không có câu '{name}'"))

    for outcome_id, criterion_id, check in ruleset.checks():
        where = _place(outcome_id, criterion_id)
        details = {"attribute": "expression", "outcome": outcome_id, "criterion": criterion_id}
        for name in sorted(check.expression.references):
            if "." in name:
                continue
            question = definition.questions.get(name)
            if question is None:
                problems.append(RulesetProblem(
                    source, where, f"phiếu '{definition.form_id}' không có câu hỏi '{name}'",
                    position=reference_position(check.source, name), **details))
            elif not question.stores_value:
                problems.append(RulesetProblem(
                    source, where, f"câu '{name}' là ghi chú (note), không có câu trả lời",
                    position=reference_position(check.source, name), **details))
        for name, code in _compared_codes(check):
            question_name = _question_for(name, ruleset)
            question = definition.questions.get(question_name) if question_name else None
            if question is None or question.type not in _SELECT_TYPES:
                continue
            codes = {choice.name for choice in definition.choice_lists.get(question.list_name, ())}
            if code not in codes:
                problems.append(RulesetProblem(
                    source, where, f"câu '{question_name}' không có lựa chọn mã '{code}' "
                                   f"(các mã: {', '.join(sorted(codes))})",
                    position=_literal_position(check.source, code), **details))
    return problems


def _place(outcome_id: str | None, criterion_id: str | None) -> str:
    if outcome_id is None:
        return "đối tượng (population)"
    if criterion_id is None:
        return f"{outcome_place(outcome_id)}, đối tượng"
    return criterion_place(outcome_id, criterion_id)


def _question_for(name: str, ruleset: Ruleset) -> str | None:
    """The question whose choice codes a name holds: itself, or for ``household.<attr>`` the fallback question."""
    if name.startswith(HOUSEHOLD_PREFIX):
        return ruleset.household_fallback.get(name[len(HOUSEHOLD_PREFIX):])
    return None if "." in name else name


def _compared_codes(check: Check) -> list[tuple[str, str]]:
    """``(reference, literal)`` pairs from ``${x} = 'code'``, ``'code' != ${x}`` and ``selected(${x}, 'code')``."""
    found: list[tuple[str, str]] = []
    stack: list[Any] = [check.expression.ast]
    while stack:
        node = stack.pop()
        if not isinstance(node, list) or not node:
            continue
        tag = node[0]
        if tag in _COMPARISONS and len(node) == 3:
            pair = _ref_and_string(node[1], node[2]) or _ref_and_string(node[2], node[1])
            if pair:
                found.append(pair)
        elif tag == "call" and len(node) == 4 and node[1] == "selected":
            pair = _ref_and_string(node[2], node[3])
            if pair:
                found.append(pair)
        stack.extend(child for child in node[1:] if isinstance(child, list))
    return found


def _ref_and_string(left: Any, right: Any) -> tuple[str, str] | None:
    if (isinstance(left, list) and len(left) == 2 and left[0] == "ref"
            and isinstance(right, list) and len(right) == 2 and right[0] == "str"):
        return left[1], right[1]
    return None


def _literal_position(source: str, code: str) -> int | None:
    for quoted in (f"'{code}'", f'"{code}"'):
        index = source.find(quoted)
        if index >= 0:
            return index
    return None
