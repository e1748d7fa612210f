"""What an XLSForm import could not reproduce, row by row.

A *difference* is a feature our definitions cannot carry (a question type, a choice filter, a second language…).
A strict import refuses the workbook listing every difference; a lenient one drops the features and lists every
one dropped. A question that is dropped takes the formulas that name it along, and those follow-on effects are
folded into the one line of the question instead of one line each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from survey_app.core.questionnaire.problems import DefinitionProblem


@dataclass
class Difference:
    sheet: str
    row: int | None
    column: str | None
    name: str | None
    message: str  # what is not reproduced and what to change, Vietnamese
    followers: list[str] = field(default_factory=list)  # "dòng 12 (relevant)" of formulas naming a dropped question

    @property
    def where(self) -> str:
        place = self.sheet if self.row is None else f"{self.sheet} dòng {self.row}"
        if self.column:
            place += f", cột {self.column}"
        if self.name:
            place += f" ({self.name})"
        return place

    def text(self) -> str:
        if not self.followers:
            return self.message
        shown = ", ".join(self.followers[:8]) + (", …" if len(self.followers) > 8 else "")
        return f"{self.message}; kéo theo {len(self.followers)} công thức nhắc tới câu này: {shown}"


@dataclass
class Differences:
    source: str
    items: list[Difference] = field(default_factory=list)
    by_dropped_name: dict[str, Difference] = field(default_factory=dict)

    def add(self, sheet: str, row: int | None, column: str | None, name: str | None, message: str) -> Difference:
        item = Difference(sheet, row, column, name, message)
        self.items.append(item)
        return item

    def drop_question(self, row: int | None, name: str, message: str, column: str | None = "type") -> Difference:
        self.by_dropped_name[name] = self.add("survey", row, column, name, message)
        return self.by_dropped_name[name]

    def follow(self, missing: str, row: int | None, column: str) -> bool:
        """Fold a formula that names a dropped question into that question's line. False if ``missing`` is new."""
        owner = self.by_dropped_name.get(missing)
        if owner is None:
            return False
        owner.followers.append(f"dòng {row} ({column})" if row else column)
        return True

    def problems(self) -> list[DefinitionProblem]:
        return [DefinitionProblem(self.source, item.where, item.text()) for item in self.items]

    def dropped(self) -> list[str]:
        return [f"{item.where}: đã bỏ — {item.text()}" for item in self.items]
