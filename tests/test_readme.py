"""The README's configuration table lists every environment variable the application reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The application's code: what runs in a deployment (tests and benchmarks document their own variables).
SOURCES = [
    "settings",
    "course_metadata",
    "publisher_api",
    "catalog",
    "search",
    "eventbus",
    "dbkit",
    "lyceum_admin",
    "gunicorn.conf.py",
    "manage.py",
]
_READERS = {"get", "getenv", "setdefault", "env_bool", "env_list", "pop"}
_TABLE_ROW_RE = re.compile(r"^\| `(\w+)` \|", re.M)
# Read by the code but set by a tool, never by whoever configures Lyceum: Django's autoreloader marks the
# process it serves from with RUN_MAIN.
NOT_CONFIGURATION = {"RUN_MAIN"}


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _reads_environment(function: ast.expr) -> bool:
    if isinstance(function, ast.Name):
        return function.id in {"env_bool", "env_list"}
    return (
        isinstance(function, ast.Attribute)
        and function.attr in _READERS
        and (_is_environ(function.value) or function.attr == "getenv")
    )


def names_read(source: str) -> set[str]:
    """Variables a module reads: ``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv``, ``env_bool``,
    ``env_list``, with the name given literally or as a module-level string constant."""
    tree = ast.parse(source)
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def resolve(argument: ast.expr) -> str | None:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return argument.value
        if isinstance(argument, ast.Name):
            return constants.get(argument.id)
        return None

    names: set[str] = set()
    for node in ast.walk(tree):
        argument: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args:
            function = node.func
            if _reads_environment(function):
                argument = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            argument = node.slice
        name = resolve(argument) if argument is not None else None
        if name is not None:
            names.add(name)
    return names


def variables_read() -> set[str]:
    names: set[str] = set()
    for source in SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else path.rglob("*.py"):
            names |= names_read(file.read_text(encoding="utf-8"))
    return names - NOT_CONFIGURATION


def test_the_scan_finds_reads_in_every_form() -> None:
    source = (
        'import os\nNAME = "VIA_CONSTANT"\nos.environ.get("A")\nos.environ["B"]\nos.getenv("C", "1")\n'
        'env_bool("D")\nenv_list("E", "x")\nos.environ.get(NAME)\nos.environ.setdefault("F", "1")\n'
    )
    assert names_read(source) == {"A", "B", "C", "D", "E", "F", "VIA_CONSTANT"}


def test_every_environment_variable_read_is_in_the_readme_table() -> None:
    read = variables_read()
    # The scan finds them (the last one is read through a constant).
    assert {"SECRET_KEY", "DEBUG", "GUNICORN_WORKERS", "LYCEUM_PREPARED_READS", "LYCEUM_DEMO_PASSWORD"} <= read
    documented = set(_TABLE_ROW_RE.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    assert read - documented == set()
