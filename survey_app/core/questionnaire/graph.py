"""Evaluation order of a questionnaire, and refusal of circular dependencies.

Every section and question is a node. A node depends on the nodes whose values decide it: the names referenced by
its ``relevant``, ``calculation`` and ``repeat_count``, plus its section (top-level questions) or its repeat
(repeat children). ``constraint`` and ``required`` never change a value, so they are not dependencies.
Evaluating nodes in the resulting order in one pass gives every relevance and calculation its final value — the
browser and the server both do exactly this. Ties keep document order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from survey_app.core.questionnaire.model import Question, Section
from survey_app.core.questionnaire.problems import DefinitionProblem, question_place, section_place

_VALUE_ATTRIBUTES = ("relevant", "calculation", "repeat_count")


def evaluation_order(sections: Iterable[Section], questions: dict[str, Question],
                     source: str) -> tuple[tuple[str, ...], list[DefinitionProblem]]:
    """Return (node names dependencies-first, problems for each dependency cycle found)."""
    dependencies = _dependencies(list(sections), questions)
    nodes = list(dependencies)
    position = {name: index for index, name in enumerate(nodes)}
    dependents: dict[str, list[str]] = {name: [] for name in nodes}
    waiting = {name: len(deps) for name, deps in dependencies.items()}
    for name, deps in dependencies.items():
        for dep in deps:
            dependents[dep].append(name)
    ready = [(position[name], name) for name in nodes if waiting[name] == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for dependent in dependents[name]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, (position[dependent], dependent))
    stuck = [name for name in nodes if waiting[name] > 0]
    return tuple(order), _cycle_problems(stuck, dependencies, questions, source)


def _dependencies(sections: list[Section], questions: dict[str, Question]) -> dict[str, set[str]]:
    dependencies: dict[str, set[str]] = {}
    for section in sections:
        dependencies[section.name] = set(section.relevant.references) if section.relevant else set()
        for question in section.questions:
            for node in (question, *question.children):
                deps = {node.repeat or node.section}
                for attribute, rule in node.rules().items():
                    if attribute in _VALUE_ATTRIBUTES:
                        deps.update(rule.references)
                dependencies[node.name] = deps
    known = set(dependencies)
    return {name: {dep for dep in deps if dep in known} for name, deps in dependencies.items()}


def _cycle_problems(stuck: list[str], dependencies: dict[str, set[str]], questions: dict[str, Question],
                    source: str) -> list[DefinitionProblem]:
    remaining = set(stuck)
    reported: list[frozenset[str]] = []
    problems = []
    for start in stuck:
        cycle = _find_cycle(start, dependencies, remaining, stuck)
        if frozenset(cycle) in reported:
            continue
        reported.append(frozenset(cycle))
        path = " → ".join(cycle + [cycle[0]])
        first = cycle[0]
        question = questions.get(first)
        if all(name in questions and questions[name].type == "calculate" for name in cycle):
            message, attribute = f"vòng lặp tính toán: {path}", "calculation"
        else:
            message = f"vòng lặp phụ thuộc (relevant/calculation/repeat_count): {path}"
            attribute = _attribute_using(question, cycle[1] if len(cycle) > 1 else first) if question else "relevant"
        where = question_place(first) if question else section_place(first)
        problems.append(DefinitionProblem(source, where, message, attribute=attribute, question=first))
    return problems


def _find_cycle(start: str, dependencies: dict[str, set[str]], remaining: set[str], stuck: list[str]) -> list[str]:
    """Walk 'uses' edges inside the unresolved nodes until a node repeats; every such node has a stuck dependency."""
    rank = {name: index for index, name in enumerate(stuck)}
    walk: list[str] = []
    seen: dict[str, int] = {}
    node = start
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = min((dep for dep in dependencies[node] if dep in remaining), key=rank.__getitem__)
    cycle = walk[seen[node]:]
    pivot = min(range(len(cycle)), key=lambda index: rank[cycle[index]])  # start at the earliest in the form
    return cycle[pivot:] + cycle[:pivot]


def _attribute_using(question: Question, used: str) -> str | None:
    for attribute, rule in question.rules().items():
        if attribute in _VALUE_ATTRIBUTES and used in rule.references:
            return attribute
    return None
