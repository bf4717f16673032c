"""Dependencies point one way: the outer apps import the domain, the domain imports none of them, and the
database plumbing (``dbkit``) imports no Lyceum app at all.

Every module is parsed, not imported, so an import hidden inside a function counts as much as one at the
top, and so does a dotted module path written as a string (``importlib.import_module("publisher_api.x")``,
a migration named in a setting).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUTER_APPS = ("publisher_api", "catalog", "search", "eventbus")
# What each package may never depend on.
FORBIDDEN = {
    "course_metadata": OUTER_APPS,
    # Search serves the catalogs (which may import it), never the other way round.
    "search": ("catalog", "publisher_api"),
    "dbkit": ("settings", "course_metadata", *OUTER_APPS),
}


def wrong_way_references(source: str, forbidden: tuple[str, ...]) -> list[tuple[int, str]]:
    """(line, module) of every import of, or dotted string naming, a module in a ``forbidden`` package."""
    named = re.compile(rf"^(?:{'|'.join(map(re.escape, forbidden))})(?:\.\w+)+$|^(?:{'|'.join(forbidden)})$")
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value:
            modules = [node.value] if named.match(node.value) else []
        line = getattr(node, "lineno", 0)  # every node that names a module has a line
        found += [(line, module) for module in modules if module.split(".")[0] in forbidden]
    return sorted(found)


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_points_the_wrong_way(package: str) -> None:
    modules = _modules(package)
    assert modules, f"no modules found under {package}/"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} -> {module}"
        for path in modules
        for line, module in wrong_way_references(path.read_text(), FORBIDDEN[package])
    ]
    assert wrong == []


def test_the_check_sees_imports_inside_functions_and_module_paths_in_strings() -> None:
    source = """
import os
from course_metadata.models import Course

def etag(row):
    from publisher_api.etags import etag_for
    import search.documents as documents
    return etag_for(row)

MIGRATION = ("publisher_api.migrations.0002_publisher_editor_role", "create_role")
LABEL = "search.Document is a sentence, not a module"
"""
    assert wrong_way_references(source, OUTER_APPS) == [
        (6, "publisher_api.etags"),
        (7, "search.documents"),
        (10, "publisher_api.migrations.0002_publisher_editor_role"),
    ]
