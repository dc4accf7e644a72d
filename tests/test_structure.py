"""The apps depend on each other one way: finance → milestones → agreements.

``agreements`` imports neither of the others, ``milestones`` does not import ``finance``. Read
from the source (every module, imports inside functions too), so a new import against the
direction fails here before it tangles the apps again.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "agreements": {"milestones", "finance"},
    "milestones": {"finance"},
}


def imported_apps(path: Path) -> set[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found |= {(node.lineno, name.split(".")[0]) for name in names}
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_imports_run_one_way(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for line, imported in imported_apps(path):
            if imported in FORBIDDEN[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_an_import_against_the_direction(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from finance.models import Appropriation\n")
    assert (2, "finance") in imported_apps(module)
