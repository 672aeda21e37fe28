"""dovvybuddy.common imports nothing but the standard library and itself.

The Rasa environment (its own pinned packages) and the action server both
import it, so a third-party import here would break one of them.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from dovvybuddy.common.settings import PROJECT_ROOT

COMMON = PROJECT_ROOT / "dovvybuddy" / "common"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(COMMON.glob("*.py")), ids=lambda path: path.name)
def test_a_common_module_imports_only_the_standard_library_and_common(path):
    outside = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name != "__future__"
        and not name.startswith("dovvybuddy.common")
    }
    assert not outside, f"{path.name} imports {sorted(outside)}"


def test_the_check_sees_a_third_party_import(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("import json\nfrom psycopg import sql\nfrom dovvybuddy.leads import fields\n")
    assert imported_modules(module) == {"json", "psycopg", "dovvybuddy.leads"}
