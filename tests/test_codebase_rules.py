"""Rules of the codebase's shape that a review would otherwise have to remember: the domain core imports neither
Flask nor the database, and no module grows past 400 lines."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "survey_app"
MAX_LINES = 400
FORBIDDEN_IN_CORE = ("flask", "flask_login", "flask_wtf", "werkzeug", "sqlalchemy", "survey_app.models",
                     "survey_app.extensions", "survey_app.database")


def _modules(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _imported(path: Path, package: Path = PACKAGE) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = path.relative_to(package.parent).with_suffix("").parts[:-node.level]
                names.add(".".join([*parent, node.module or ""]).rstrip("."))
            else:
                names.add(node.module or "")
    return names


@pytest.mark.parametrize("path", _modules(PACKAGE / "core"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_imports_neither_flask_nor_the_database(path):
    bad = sorted(name for name in _imported(path)
                 if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_CORE))
    assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}: the domain core stays plain Python"


def test_no_module_is_over_400_lines():
    root = PACKAGE.parent
    paths = [p for folder in ("survey_app", "tests", "bench", "migrations") for p in _modules(root / folder)]
    long = {str(p.relative_to(root)): n for p in paths
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_relative_imports_are_resolved(tmp_path):
    """`from ..models import X` inside core is read as survey_app.models, so the purity rule catches it."""
    module = tmp_path / "survey_app" / "core" / "sneaky.py"
    module.parent.mkdir(parents=True)
    module.write_text("from ..models import Submission\nfrom .formatting import format_int\n", encoding="utf-8")
    assert _imported(module, tmp_path / "survey_app") == {"survey_app.models", "survey_app.core.formatting"}


ONE_DEFINITION = {
    "the local time zone": r"ZoneInfo\(",
    "today in Vietnam": r"def vietnam_today\b",
    "the answer-path format": r"def answer_path\b",
    "the permission table": r"^PERMISSIONS\b",
    "a list of roles": r"\(\s*[\"']admin[\"'],\s*[\"']supervisor[\"']",
}


@pytest.mark.parametrize("concept", ONE_DEFINITION)
def test_one_definition_of(concept):
    pattern = re.compile(ONE_DEFINITION[concept], re.M)
    found = [f"{p.relative_to(PACKAGE)}:{text[:m.start()].count(chr(10)) + 1}"
             for p in _modules(PACKAGE) for text in [p.read_text(encoding="utf-8")] for m in pattern.finditer(text)]
    assert len(found) == 1, f"{concept} is defined in {found}"
