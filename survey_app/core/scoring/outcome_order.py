"""An outcome may read only the outcomes defined before it: self references, cycles and forward references are
reported distinctly, so that the author knows whether reordering is enough. A mixin of the ruleset loader's builder."""
from __future__ import annotations

from survey_app.core.expressions import reference_position
from survey_app.core.scoring.model import OUTCOME_PREFIX, Check, Outcome
from survey_app.core.scoring.problems import criterion_place


class OutcomeOrder:
    def check_outcome_order(self, outcomes: list[Outcome], declared_ids: list[str]) -> None:
        """An outcome may read only outcomes defined before it; report self references, cycles and forward
        references distinctly so that the author knows whether reordering is enough."""
        position = {outcome_id: index for index, outcome_id in enumerate(declared_ids)}
        reads = {outcome.id: _outcome_reads(outcome) for outcome in outcomes}
        for outcome in outcomes:
            for criterion in outcome.criteria:
                for target in sorted(_check_outcome_reads(criterion.check)):
                    where = criterion_place(outcome.id, criterion.id)
                    details = {"attribute": "expression", "outcome": outcome.id, "criterion": criterion.id,
                               "position": reference_position(criterion.check.source, OUTCOME_PREFIX + target),
                               "line": self.expression_lines.get((outcome.id, criterion.id))}
                    if target == outcome.id:
                        self.add(where, f"kết quả '{target}' tự tham chiếu chính nó", **details)
                    elif target not in position:
                        self.add(where, f"không có kết quả nào mã '{target}'", **details)
                    elif position[target] > position[outcome.id]:
                        cycle = _find_path(target, outcome.id, reads)
                        if cycle:
                            chain = " → ".join([outcome.id, *cycle])
                            self.add(where, f"vòng lặp tham chiếu giữa các kết quả: {chain}", **details)
                        else:
                            self.add(where, f"kết quả '{target}' được định nghĩa phía sau; hãy đặt '{target}' "
                                     f"trước '{outcome.id}'", **details)


def _check_outcome_reads(check: Check) -> set[str]:
    return {name[len(OUTCOME_PREFIX):] for name in check.expression.references if name.startswith(OUTCOME_PREFIX)}


def _outcome_reads(outcome: Outcome) -> set[str]:
    found: set[str] = set()
    for criterion in outcome.criteria:
        found |= _check_outcome_reads(criterion.check)
    return found


def _find_path(start: str, goal: str, reads: dict[str, set[str]]) -> list[str] | None:
    """A chain of outcome reads from ``start`` to ``goal`` (both included), or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in visited:
            continue
        visited.add(node)
        for target in sorted(reads.get(node, ())):
            stack.append((target, [*path, target]))
    return None
