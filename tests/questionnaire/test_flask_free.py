"""The pure core's tests stay as pure as the core: nothing here needs the web stack or a
database, so they read (and run) on their own. intake.questionnaire itself is held to
the same by import-linter (pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

WEB_AND_DATABASE = {
    "flask",
    "flask_wtf",
    "flask_babel",
    "flask_login",
    "wtforms",
    "sqlalchemy",
    "flask_sqlalchemy",
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module)
    return roots


def test_it_imports_no_web_or_database_code_and_nothing_of_the_app_outside_the_core():
    here = Path(__file__).parent
    # With the shared answers and FHIR cases they read from tests/.
    modules = sorted([*here.glob("*.py"), here.parent / "answers.py", here.parent / "fhir_cases.py"])
    assert len(modules) > 5, "the check reads this folder's modules"
    for path in modules:
        for name in imported_roots(path):
            root = name.split(".")[0]
            assert root not in WEB_AND_DATABASE, (path.name, name)
            if root == "intake":
                assert name.startswith("intake.questionnaire"), (path.name, name)
            if root == "tests":
                assert name in ("tests", "tests.answers", "tests.fhir_cases", "tests.safety_vignettes"), (
                    path.name,
                    name,
                )
