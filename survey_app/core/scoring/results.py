"""Score results: what ``score()`` returns, what is stored (``to_data``/``from_data``), and their Vietnamese
explanations.

Statuses: ``met`` (đạt), ``not_met`` (không đạt), ``not_in_population`` (không thuộc đối tượng, outside the
reports' denominator). ``determined`` is False when a ``not_met`` is only provisional: some criteria could not be
evaluated for missing answers, and they might have made the outcome met.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from survey_app.core.scoring.verdicts import UNKNOWN_WORD, criterion_verdict, outcome_verdict, verdict_words

MET = "met"
NOT_MET = "not_met"
NOT_IN_POPULATION = "not_in_population"
STATUSES = (MET, NOT_MET, NOT_IN_POPULATION)

# The generic words; what a reader sees for one outcome or criterion comes from ``verdicts`` (it follows the label).
STATUS_LABELS = {MET: "Đạt", NOT_MET: "Không đạt", NOT_IN_POPULATION: "Không thuộc đối tượng"}

_HOUSEHOLD_LABELS = {
    "household.code": "mã hộ",
    "household.ethnic_group": "dân tộc (sổ hộ)",
    "household.members": "số nhân khẩu (sổ hộ)",
    "household.status_start": "tình trạng nghèo đầu năm (sổ hộ)",
    "household.status_end": "tình trạng nghèo cuối năm (sổ hộ)",
}


def describe_name(name: str, labels: Mapping[str, str] | None = None) -> str:
    """Vietnamese name of an input for explanations: the caller's label (e.g. question labels from the
    Definition), the built-in name of a register attribute, else the name itself."""
    if labels and name in labels:
        return f"“{labels[name]}”"
    if name in _HOUSEHOLD_LABELS:
        return _HOUSEHOLD_LABELS[name]
    if name.startswith("param."):
        return f"tham số {name[len('param.'):]}"
    if name.startswith("outcome."):
        return f"kết quả {name[len('outcome.'):]}"
    return name


def _missing_text(missing: tuple[str, ...], labels: Mapping[str, str] | None) -> str:
    return ", ".join(describe_name(name, labels) for name in missing)


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    held: bool | None  # None: not evaluated because required inputs were missing (or the result was empty)
    missing: tuple[str, ...] = ()

    def explain(self, labels: Mapping[str, str] | None = None) -> str:
        if self.held is not None:
            return f"{criterion_verdict(self.label, self.held)} — {self.label}"
        if self.missing:
            return f"{UNKNOWN_WORD} — {self.label}: thiếu dữ liệu {_missing_text(self.missing, labels)}"
        return f"{UNKNOWN_WORD} — {self.label}: không tính được giá trị"

    @property
    def explanation(self) -> str:
        return self.explain()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "label": self.label, "held": self.held}
        if self.missing:
            data["missing"] = list(self.missing)
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CriterionResult:
        held = data["held"]
        if held not in (True, False, None):
            raise ValueError(f"held không hợp lệ: {held!r}")
        return cls(str(data["id"]), str(data["label"]), held, tuple(str(n) for n in data.get("missing", ())))


@dataclass(frozen=True)
class OutcomeResult:
    id: str
    label: str
    status: str
    determined: bool = True
    in_population: bool | None = True  # None: could not tell (population inputs missing)
    population_label: str = ""
    population_missing: tuple[str, ...] = ()
    combine: str = "all"
    internal: bool = False
    criteria: tuple[CriterionResult, ...] = ()

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def value(self) -> bool | None:
        """What ``${outcome.<id>}`` gives other criteria: True if met, False if surely not met, else None."""
        if self.status == MET:
            return True
        if self.status == NOT_MET and self.determined:
            return False
        return None

    def criterion(self, criterion_id: str) -> CriterionResult:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    @property
    def verdict(self) -> str:
        """The status in the words of ``verdicts`` ("Thuộc diện hộ nghèo", "Đạt", …)."""
        return outcome_verdict(self.label, self.status)

    def explain(self, labels: Mapping[str, str] | None = None) -> str:
        if self.status == NOT_IN_POPULATION:
            if self.in_population is None:
                return (f"Không thuộc đối tượng tính — chưa xác định được hộ có thuộc “{self.population_label}” "
                        f"không: thiếu dữ liệu {_missing_text(self.population_missing, labels)}")
            return f"Không thuộc đối tượng tính (“{self.population_label}”)"
        held = sum(1 for c in self.criteria if c.held is True)
        unknown = sum(1 for c in self.criteria if c.held is None)
        total = len(self.criteria)
        words = {verdict_words(c.label) for c in self.criteria}
        yes, no = (w.lower() for w in (words.pop() if len(words) == 1 else verdict_words("")))
        rule = {"all": f"cần {yes} cả {total} tiêu chí", "any": f"cần {yes} ít nhất 1 tiêu chí"}.get(
            self.combine, f"cần {yes} ít nhất {self.combine.split()[-1]} tiêu chí")
        text = f"{self.verdict}: {yes} {held}/{total} tiêu chí ({rule})"
        if unknown:
            text += f"; {unknown} tiêu chí chưa xác định do thiếu dữ liệu"
            if not self.determined:
                text += f", tạm tính là {no}"
        return text

    @property
    def explanation(self) -> str:
        return self.explain()

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "label": self.label, "status": self.status, "determined": self.determined,
            "in_population": self.in_population, "population_label": self.population_label,
            "combine": self.combine, "criteria": [criterion.to_data() for criterion in self.criteria],
        }
        if self.population_missing:
            data["population_missing"] = list(self.population_missing)
        if self.internal:
            data["internal"] = True
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> OutcomeResult:
        status = data["status"]
        if status not in STATUSES:
            raise ValueError(f"status không hợp lệ: {status!r}")
        return cls(
            id=str(data["id"]), label=str(data["label"]), status=status, determined=bool(data["determined"]),
            in_population=data["in_population"], population_label=str(data.get("population_label", "")),
            population_missing=tuple(str(n) for n in data.get("population_missing", ())),
            combine=str(data.get("combine", "all")), internal=bool(data.get("internal", False)),
            criteria=tuple(CriterionResult.from_data(item) for item in data["criteria"]),
        )


@dataclass(frozen=True)
class ScoreResult:
    """The classification of one household by one ruleset version. ``in_population`` is the ruleset's own
    population (the reports' denominator); each outcome carries its own (it may override it)."""

    ruleset_id: str
    ruleset_version: str
    content_hash: str
    in_population: bool | None
    outcomes: tuple[OutcomeResult, ...]
    parameters: dict[str, Any] = field(default_factory=dict)  # the parameter values applied
    today: str | None = None

    def outcome(self, outcome_id: str) -> OutcomeResult:
        for outcome in self.outcomes:
            if outcome.id == outcome_id:
                return outcome
        raise KeyError(outcome_id)

    def status_of(self, outcome_id: str) -> str:
        return self.outcome(outcome_id).status

    @property
    def statuses(self) -> dict[str, str]:
        return {outcome.id: outcome.status for outcome in self.outcomes}

    def to_data(self) -> dict[str, Any]:
        """Plain JSON-serialisable data for storage."""
        return {
            "ruleset_id": self.ruleset_id, "ruleset_version": self.ruleset_version,
            "content_hash": self.content_hash, "in_population": self.in_population, "today": self.today,
            "parameters": dict(self.parameters), "outcomes": [outcome.to_data() for outcome in self.outcomes],
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ScoreResult:
        """Rebuild a stored result; raises ValueError (or KeyError) on data that ``to_data`` cannot have made."""
        if not isinstance(data, Mapping):
            raise ValueError("kết quả chấm điểm phải là một bảng")
        in_population = data["in_population"]
        if in_population not in (True, False, None):
            raise ValueError(f"in_population không hợp lệ: {in_population!r}")
        return cls(
            ruleset_id=str(data["ruleset_id"]), ruleset_version=str(data["ruleset_version"]),
            content_hash=str(data["content_hash"]), in_population=in_population,
            outcomes=tuple(OutcomeResult.from_data(item) for item in data["outcomes"]),
            parameters=dict(data.get("parameters", {})), today=data.get("today"),
        )


@dataclass(frozen=True)
class OutcomeLine:
    label: str
    status: str
    status_label: str
    criteria: list[tuple[str, str]]  # (criterion label, its verdict: "Đạt", "Thiếu hụt", "Chưa xác định", …)


@dataclass(frozen=True)
class Classification:
    """A stored classification as text, as the household page and the printed sheet show it."""

    title: str
    population: str
    outcomes: list[OutcomeLine]


def classification(title: str, score: ScoreResult) -> Classification:
    """The outcomes a reader sees (internal ones left out), each with its criteria; a provisional "not met" says so."""
    population = "Thuộc đối tượng" if score.in_population else (
        "Chưa xác định" if score.in_population is None else "Không thuộc đối tượng")
    lines = []
    for outcome in score.outcomes:
        if outcome.internal:
            continue
        status_label = outcome.verdict
        if outcome.status != MET and outcome.status != NOT_IN_POPULATION and not outcome.determined:
            status_label += " (tạm tính, thiếu dữ liệu)"
        lines.append(OutcomeLine(outcome.label, outcome.status, status_label,
                                 [(c.label, criterion_verdict(c.label, c.held)) for c in outcome.criteria]))
    return Classification(title, population, lines)
