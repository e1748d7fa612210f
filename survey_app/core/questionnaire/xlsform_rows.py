"""Pointing the validation problems of an imported XLSForm at the worksheet rows the author wrote.

A mixin of the XLSForm importer: it reads ``source``, ``sections``, ``row_of_node`` and ``skipped_names``.
"""
from __future__ import annotations

from typing import Any

from survey_app.core.questionnaire.problems import DefinitionProblem


class RowLocating:
    def locate(self, problem: DefinitionProblem) -> DefinitionProblem:
        rows = self.rows_by_name()
        where = problem.where
        subject = problem.question
        if subject in rows:
            where = f"survey dòng {rows[subject]}" + (f" ({subject})" if "[" not in subject else "")
        elif where in rows:
            where = f"survey dòng {rows[where]}"
        elif problem.where and problem.where.startswith('phần "'):
            section = problem.where[len('phần "'):-1]
            if section in rows:
                where = f"survey dòng {rows[section]} ({section})"
        message = problem.message
        if problem.missing_reference in self.skipped_names:
            message += " (câu này đã bị bỏ qua khi nhập)"
        return DefinitionProblem(self.source, where, message, attribute=problem.attribute,
                                 position=problem.position, question=subject,
                                 missing_reference=problem.missing_reference)

    def rows_by_name(self) -> dict[str, int]:
        """Survey row of every section and question, by name and by the loader's path (for nameless rows)."""
        rows: dict[str, int] = {}

        def note(node: dict[str, Any], path: str) -> None:
            row = self.row_of_node.get(id(node))
            if row is None:
                return
            rows.setdefault(path, row)
            if isinstance(node.get("name"), str) and node["name"]:
                rows.setdefault(node["name"], row)

        for section_index, section in enumerate(self.sections):
            note(section, f"sections[{section_index}]")
            for index, question in enumerate(section["questions"]):
                path = f"sections[{section_index}].questions[{index}]"
                note(question, path)
                for child_index, child in enumerate(question.get("questions", [])):
                    note(child, f"{path}.questions[{child_index}]")
        return rows
